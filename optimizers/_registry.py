"""The one optimizer registry."""

from optimizers._optimizer import Optimizer
from surfaces import Registry

REGISTRY: Registry[Optimizer] = Registry("optimizer")
register = REGISTRY.register
get = REGISTRY.get
names = REGISTRY.names
