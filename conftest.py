pytest_plugins = ["switchboard_deploy.testing"]
