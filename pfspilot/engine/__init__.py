"""Pure Python (no Django): the platform's maths and rules, on plain values and frames."""
