"""What the Python peers of the benchmark share: a prebuilt jsonschema
validator of a schema whose references name the files beside it
(order.schema.json refers to common.schema.json by file name)."""
import glob
import json
import os


def references(cls, schema, schema_dir):
    """The schemas beside SCHEMA (order.schema.json refers to
    common.schema.json by its file name), for the validator to resolve."""
    docs = {}
    for path in glob.glob(os.path.join(schema_dir, "*.json")):
        with open(path, encoding="utf-8") as f:
            docs[os.path.basename(path)] = json.load(f)
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import specification_with
    except ImportError:          # jsonschema before 4.18
        import jsonschema
        return {"resolver": jsonschema.RefResolver("", schema, store=docs)}
    spec = specification_with(cls.META_SCHEMA["$schema"])
    return {"registry": Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=spec)) for name, doc in docs.items())}


def jsonschema_validator(schema, schema_dir):
    """A validator of schema (None without jsonschema)."""
    try:
        import jsonschema
    except ImportError:
        return None
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, **references(cls, schema, schema_dir))
