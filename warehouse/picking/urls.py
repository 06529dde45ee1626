from django.urls import path

from warehouse.picking import views

urlpatterns = [
    path("warehouse/waves/", views.wave_list, name="wave_list"),
    path("warehouse/waves/new/", views.wave_create, name="wave_create"),
    path("warehouse/waves/<int:pk>/", views.wave_detail, name="wave_detail"),
    path("warehouse/waves/<int:pk>/release/", views.wave_release, name="wave_release"),
    path("warehouse/waves/<int:pk>/cancel/", views.wave_cancel, name="wave_cancel"),
    path("warehouse/batches/<int:pk>/pick-list/", views.pick_list, name="pick_list"),
    # Operators at phone width.
    path("scan/pick/batches/<int:pk>/start/", views.pick_start, name="pick_start"),
    path("scan/pick/batches/<int:pk>/take-over/", views.pick_take_over, name="pick_take_over"),
    path("scan/pick/", views.pick_next, name="pick_next"),
    path("scan/pick/<int:pk>/", views.pick_task, name="pick_task"),
]
