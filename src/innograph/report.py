"""Validation findings, and a report that groups them by file and entity in a curator's words."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: where it is (file, line, entity), what is wrong, and which rule found it."""

    file: str
    line: int
    focus: str  # the entity, as a CURIE, or "" for a finding about a whole file
    severity: str
    message: str
    rule: str
    focus_label: str = field(default="", compare=False)


@dataclass
class Report:
    findings: list[Finding]
    checked: dict[str, int] = field(default_factory=dict)  # what was looked at: triples, files, rules

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def conforms(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def to_text(self) -> str:
        lines: list[str] = []
        by_file: dict[str, list[Finding]] = defaultdict(list)
        for finding in sorted(set(self.findings)):
            by_file[finding.file].append(finding)
        for file in sorted(by_file):
            lines.append(file or "(project)")
            by_focus: dict[str, list[Finding]] = defaultdict(list)
            for finding in by_file[file]:
                by_focus[finding.focus].append(finding)
            for focus, findings in sorted(by_focus.items(), key=lambda item: (item[1][0].line, item[0])):
                first = findings[0]
                if focus:
                    where = f"line {first.line}: " if first.line else ""
                    label = f" ({first.focus_label})" if first.focus_label and first.focus_label != focus else ""
                    lines.append(f"  {where}{focus}{label}")
                    indent = "    "
                else:
                    indent = "  "
                for finding in findings:
                    lines.append(f"{indent}{finding.severity}: {finding.message}  [{finding.rule}]")
        summary = f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        if self.checked:
            summary += " in " + ", ".join(f"{n} {what}" for what, n in self.checked.items())
        lines.append(summary)
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {
                "conforms": not self.errors,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "checked": self.checked,
                "findings": [asdict(f) for f in sorted(set(self.findings))],
            },
            ensure_ascii=False,
            indent=2,
        )
