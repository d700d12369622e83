pytest_plugins = ["chassis.testing.plugin"]
