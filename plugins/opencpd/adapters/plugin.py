"""The MkDocs plugin: load the Catalog once, add its pages, log its findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from ..core.catalog import Catalog
from ..core.load import load_catalog
from ..core.render import Renderer
from ..core.vocabulary import load_vocabulary

log = get_plugin_logger(__name__)


class OpenCPDConfig(Config):
    content_dir = c.Type(str, default=".")
    start_time = c.Type(str, default="16:00")
    vocabulary = c.Optional(c.Type(str))
    preview_pending = c.Type(bool, default=False)
    max_attachment_mb = c.Type(int, default=20)


class OpenCPDPlugin(BasePlugin[OpenCPDConfig]):
    catalog: Catalog
    pages: dict[str, str]
    attachments: dict[str, Path | str]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = (Path(config.config_file_path).parent / self.config.content_dir).resolve()
        extra = root / self.config.vocabulary if self.config.vocabulary else None
        self.root = root
        self.catalog = load_catalog(root, load_vocabulary(extra), self.config.preview_pending,
                                    self.config.max_attachment_mb * 1024 * 1024)
        for finding in self.catalog.findings:
            log.warning(str(finding))
        renderer = Renderer(self.catalog, self.config.start_time, config.site_url or "")
        self.pages = renderer.pages()
        self.attachments = renderer.attachments()
        config.nav = merge_nav(config.nav, renderer.navigation())
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for uri, content in self.pages.items():
            files.append(File.generated(config, uri, content=content))
        for uri, source in self.attachments.items():
            if isinstance(source, str):
                files.append(File.generated(config, uri, content=source))
            else:
                files.append(File.generated(config, uri, abs_src_path=str(source)))
        return files

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        # The site is written in British English (WCAG 3.1.1); Material only knows "en".
        return output.replace('<html lang="en"', '<html lang="en-GB"', 1)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        for folder in ("modules", "handbook"):
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server


def merge_nav(configured: list | None, generated: list) -> list:
    """Hand-written pages from mkdocs.yml, with the Catalog's sections after the first one."""
    configured = list(configured or [])
    return configured[:1] + generated + configured[1:]
