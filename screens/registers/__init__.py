"""The registers screen (登记) and its tabs: one module per register (visitors, passes, …),
each a `RegisterTab` (tab.py) that the screen (screen.py) finds by itself."""

from screens.registers.screen import RegistersScreen, register_tabs, visible_tabs

__all__ = ["RegistersScreen", "register_tabs", "visible_tabs"]
