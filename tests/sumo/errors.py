"""The one error a malformed Sumo query raises, with the place where it breaks."""


class SumoSyntaxError(ValueError):
    """The query text is not Sumo syntax the checker accepts.

    `offset` is the character index in the checked text where the problem starts.
    """

    def __init__(self, message: str, text: str, offset: int) -> None:
        self.message = message
        self.text = text
        self.offset = offset
        super().__init__(self._describe())

    def location(self) -> tuple[int, int]:
        """Line and column (both from 1) of the offset."""
        before = self.text[: self.offset]
        line = before.count("\n") + 1
        column = self.offset - (before.rfind("\n") + 1) + 1
        return line, column

    def _describe(self) -> str:
        line, column = self.location()
        start = self.text.rfind("\n", 0, self.offset) + 1
        end = self.text.find("\n", self.offset)
        source_line = self.text[start : end if end >= 0 else len(self.text)]
        if len(source_line) > 160:
            left = max(0, column - 80)
            source_line = source_line[left : left + 160]
            column -= left
        pointer = " " * (column - 1) + "^"
        return f"line {line} column {column}: {self.message}\n  {source_line}\n  {pointer}"
