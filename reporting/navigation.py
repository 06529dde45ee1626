"""reporting's entries in the menu (registered from `ReportingConfig.ready()`)."""

from erp.navigation import register


def register_all() -> None:
    register()
