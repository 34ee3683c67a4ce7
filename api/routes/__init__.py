"""The API routes, one module a resource."""
