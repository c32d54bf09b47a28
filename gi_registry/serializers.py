"""DRF serializers for the open data, built from the columns in ``gi_registry/opendata.py`` (so
the columns are defined once), and their description in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from .opendata import RESOURCES, Column, Resource


class ColumnField(serializers.Field):
    """A read-only field whose value is ``column.get(obj)``: the same value as the CSV's cell."""

    def __init__(self, column: Column, **kwargs):
        self.column = column
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.column.get(value)


class ColumnFieldSchema(OpenApiSerializerFieldExtension):
    """The column's own type (integer, date, enum, nullable …) in the schema."""

    target_class = ColumnField

    def map_serializer_field(self, auto_schema, direction):
        return self.target.column.schema()


def serializer_for(resource: Resource) -> type[serializers.Serializer]:
    fields = {name: ColumnField(column) for name, column in resource.fields.items()}
    return type(f"{resource.schema_name}Serializer", (serializers.Serializer,), fields)


SERIALIZERS = {name: serializer_for(resource) for name, resource in RESOURCES.items()}
