"""The Qt layer shared by the device apps (kiosk/, counter_display/): the one Qt import, fonts, theme,
the worker, the hub event bridge, QR pictures and widget factories. It imports neither app."""
