"""The four roles of SPEC.md as Django groups, and the permissions each is granted.

Data migrations call `sync_role_groups` so that a fresh database has the groups; it is
idempotent, and later migrations that add permissions call it again.
"""

from django.utils.translation import gettext_noop

# Group names are stored in English and translated where shown.
FRONT_DESK = gettext_noop("Front desk")
SUPERVISOR = gettext_noop("Supervisor")
STORE_MANAGER = gettext_noop("Store manager")
HEAD_OFFICE = gettext_noop("Head office")
ROLES = [FRONT_DESK, SUPERVISOR, STORE_MANAGER, HEAD_OFFICE]

_FRONT_DESK = [
    "complaints.view_complaint",
    "complaints.add_complaint",
    "complaints.acknowledge_complaint",
    "complaints.investigate_complaint",
    "complaints.propose_resolution",
    "complaints.resolve_on_the_spot",
    "complaints.record_customer_response",
    "complaints.record_fulfilment",
    "complaints.withdraw_complaint",
    "complaints.add_note",
    "complaints.view_attachment",
    "complaints.add_attachment",
    "customers.view_customer",
    "customers.add_customer",
    "customers.change_customer",
    "resolutions.view_resolution",
    "resolutions.add_commitment",
    "resolutions.keep_commitment",
    "resolutions.view_responsescript",
    "followup.do_callback",
]
_SUPERVISOR = _FRONT_DESK + [
    "complaints.approve_resolution",
    "complaints.reassign_complaint",
    "complaints.escalate_complaint",
    "complaints.close_unfounded",
    "complaints.close_complaint",
    "complaints.reopen_complaint",
    "complaints.record_verdict",
    "resolutions.change_resolution",
    "resolutions.view_commitment",
    "resolutions.view_fulfilmenttask",
]
_STORE_MANAGER = [
    "complaints.view_complaint",
    "complaints.view_attachment",
    "complaints.approve_resolution",
    "customers.view_customer",
    "resolutions.view_resolution",
    "resolutions.change_resolution",
    "resolutions.view_responsescript",
    "resolutions.view_commitment",
    "resolutions.view_fulfilmenttask",
    "reports.view_weekly_report",
]
_HEAD_OFFICE = sorted(
    set(_SUPERVISOR + _STORE_MANAGER)
    | {
        "complaints.view_all_stores",
        "complaints.add_category",
        "complaints.change_category",
        "complaints.view_category",
        "complaints.view_store",
        "complaints.change_store",
        "customers.erase_customer",
        "resolutions.add_authoritylimit",
        "resolutions.change_authoritylimit",
        "resolutions.delete_authoritylimit",
        "resolutions.view_authoritylimit",
        "resolutions.add_responsescript",
        "resolutions.change_responsescript",
        "resolutions.delete_responsescript",
        "reports.view_cross_store_report",
    }
)

ROLE_PERMISSIONS: dict[str, list[str]] = {
    FRONT_DESK: _FRONT_DESK,
    SUPERVISOR: _SUPERVISOR,
    STORE_MANAGER: _STORE_MANAGER,
    HEAD_OFFICE: _HEAD_OFFICE,
}

# Roles that work in the Django admin (approving compensation, editing limits and scripts).
ADMIN_ROLES = {SUPERVISOR, STORE_MANAGER, HEAD_OFFICE}


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create the role groups and grant each exactly the permissions that exist so far."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module (migration state apps have
        # none). Restore it afterwards: with the global registry (post_migrate), leaving it None
        # makes every later post_migrate (e.g. after a test flush) skip the app.
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                wanted.append(found)
        group.permissions.add(*wanted)
