"""The pure domain: vehicles, their readings and commands, the clock and the World."""
