"""Record-page UI of the seal service: verdict viewlet, seal pictures, strip form."""
