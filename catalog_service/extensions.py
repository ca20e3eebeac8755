"""Extensions, created unbound and bound to the app in create_app."""

from flask_migrate import Migrate
from flask_smorest import Api, Blueprint
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CatalogApi(Api):
    """flask-smorest's Api, documenting our error shape rather than its own for every error response."""

    @property
    def ERROR_SCHEMA(self):  # flask-smorest's attribute name
        from .errors import ErrorResponseSchema

        return ErrorResponseSchema

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        # Every operation takes a bearer token (a person's or an e-shop's), or a logged-in page session.
        self.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
        self.spec.components.security_scheme(
            "session", {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session")}
        )
        self.spec.options["security"] = [{"bearerAuth": []}, {"session": []}]


# Location "multipart": the files and the form fields of one multipart/form-data body, read by one
# schema and documented as one requestBody. With "files" and "form" as two arguments, flask-smorest
# documented the form as x-www-form-urlencoded and the file as a Swagger-2 formData parameter, so a
# client generated from the document could not upload.
Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
    **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
    "multipart": "multipart/form-data",
}


@Blueprint.ARGUMENTS_PARSER.location_loader("multipart")
def _load_multipart(request, schema):
    return MultiDictProxy(CombinedMultiDict([request.form, request.files]), schema)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = CatalogApi()
csrf = CSRFProtect()
