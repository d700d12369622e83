pytest_plugins = ["devstack.testing.plugin"]
