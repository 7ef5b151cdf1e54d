"""The bottom layer: rules about characters and words that reading, normalization and extraction share.

Numbers and units (`numbers`), traditional -> simplified (`simplified`), a line's character repairs
(`repairs`: full-width folding, stray spaces, pinyin glosses), OCR confusions (`ocr_repairs`), the outline
markers ("一、", "（二）", "3.": `outline`), a web page's chrome and publication date (`chrome`), the
whitespace-free view with its offset map (`compact`), page-number lines (`page_numbers`) and whole-document
patterns told where their matches start (`scanning`).
Nothing here imports another perf_etl package (perf_etl_tests/test_layers.py keeps it so).
"""
