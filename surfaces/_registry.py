"""The one surface registry."""

from surfaces._spec import Registry
from surfaces._surface import Surface

REGISTRY: Registry[Surface] = Registry("surface")
register = REGISTRY.register
get = REGISTRY.get
names = REGISTRY.names
