"""Words and keyboards: task cards, the supervisor's desk, notice renderers, labels and
dates in the reader's language. Pure: a case and a locale in, text and buttons out."""
