"""The JSON the API reads and writes: pydantic models per context, mapped to and from the
application's commands and read models at the router, never passed beyond it."""
