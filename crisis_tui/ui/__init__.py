"""The Textual interface: screens and widgets that call core services. Only this package imports textual."""
