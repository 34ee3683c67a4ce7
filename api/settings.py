"""The service's settings: one pydantic-settings class, ``LCC_`` environment prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the service can be told; tests build one, the CLI sets the environment."""

    model_config = SettingsConfigDict(env_prefix="LCC_", extra="ignore")

    data_dir: Path = Path("data")
    store: Literal["embedded", "remote"] = "embedded"
    private_store: Literal["embedded", "remote"] = "embedded"  # remote: tokens and history in the engine too
    remote_engine: Literal["oxigraph", "virtuoso", "generic"] = "oxigraph"
    remote_query_url: str | None = None
    remote_update_url: str | None = None
    remote_store_url: str | None = None  # the Graph Store Protocol endpoint, where the engine has one
    remote_user: str | None = None
    remote_password: SecretStr | None = None
    admin_token: SecretStr | None = None
    query_timeout_s: float = 20.0
    max_query_bytes: int = 20_000
    max_query_depth: int = 64
    max_result_rows: int = 100_000
    max_result_bytes: int = 64 * 1024 * 1024
    query_workers: int = 3
    worker_memory_bytes: int = 4 * 1024**3
    max_upload_bytes: int = 5_000_000
    max_upload_triples: int = 200_000
    upload_timeout_s: float = 60.0  # parsing, checksum and validation of one upload, in the sandbox
    default_lang: str = "en"
