"""The one home of what every Switchboard service shares."""
