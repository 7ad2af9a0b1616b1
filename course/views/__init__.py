"""Views shared by the activities: the choice-activity widget, accessible controls and the scenario engine."""
