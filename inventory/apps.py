from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # erp's import framework knows inventory's importers only through its registry.
        from erp.imports import register
        from inventory.services import bin_import, item_import

        register(bin_import.IMPORTER)
        register(item_import.IMPORTER)
