"""Jinxiu (锦绣): an open industry brain (产业大脑) for textile, apparel and footwear clusters."""

__version__ = "0.1.0"
