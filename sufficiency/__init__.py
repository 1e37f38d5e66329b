"""Sufficiency: placement demand forecasting, costs and commissioners' scenarios."""
