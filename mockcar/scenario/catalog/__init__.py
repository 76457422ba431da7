"""What generated vehicles are drawn from: real models per make, the catalog as the
Compatibility API reads it, and VINs with valid check digits.
"""
