"""공고문 QA: question answering over Korean government announcements."""

from .answer import NOT_FOUND, Answer, QuestionError, Source
from .assistant import Assistant, build
from .chunk import Chunk
from .config import Config
from .facts import Fact
from .index import IndexMismatchError, IndexNotBuiltError
from .ingest import CorpusError, Document
from .retrieve import Hit

__all__ = ["Answer", "Assistant", "Chunk", "Config", "CorpusError", "Document", "Fact", "Hit",
           "IndexMismatchError", "IndexNotBuiltError", "NOT_FOUND", "QuestionError", "Source", "build"]
__version__ = "0.1.0"
