"""Small display widgets: charts, tables and drawings that the screens compose."""
