"""Shipped rule sets (YAML) and the fact catalogue, read by jinxiu.engines.rules.loader.

A package so that setuptools ships the *.yaml files as package data."""
