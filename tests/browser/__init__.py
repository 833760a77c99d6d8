"""Browser tests: the lessons in JupyterLab and the lecture board in Voila, driven in Chromium."""
