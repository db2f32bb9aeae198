"""Sphinx configuration of the course website, built by ``python tools/build_site.py``.

The build tool copies this file, the landing page and ``_static/`` next to the student view
of the notebooks and the instructor documents (``build/site-src/``), then runs Sphinx on
that folder. Pages are rendered from the notebooks' stored outputs: no kernel, no TensorFlow.
Everything a page loads (theme, search, MathJax) is served from the site itself, so the site
works without a network.
"""

from course_utils import colab

project = "Why CNNs beat plain ANNs on images"
author = "the course's authors"
copyright = "the course's authors, MIT license"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# MyST-NB: show the stored outputs, never run a notebook (the runner made them).
nb_execution_mode = "off"
nb_output_stderr = "remove"  # TensorFlow's log lines are not part of the lesson
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3  # "page.md#some-heading" links resolve like on GitHub

# MathJax 2.7 from the jupyter-server-mathjax wheel, copied into _static/mathjax by the build tool.
# That wheel ships the STIX-Web fonts only (as Jupyter Notebook's own MathJax set-up uses).
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
# MyST-NB marks each notebook page tex2jax_ignore and its formulas "math": typeset only those.
mathjax2_config = {
    "HTML-CSS": {"availableFonts": [], "webFont": "STIX-Web", "imageFont": None, "preferredFont": None},
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
        "ignoreClass": "tex2jax_ignore|mathjax_ignore",
    },
    "MMLorHTML": {"prefer": "HTML"},  # the same typesetting in every browser, not MathML where supported
    "messageStyle": "none",
}

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_favicon = "_static/favicon.svg"  # without one, browsers ask for /favicon.ico and get a 404
html_show_sourcelink = False
html_context = {"default_mode": "light"}  # the theme's first visit: light, without a console error
html_theme_options = {
    "repository_url": f"https://github.com/{colab.REPOSITORY}",
    "repository_branch": colab.BRANCH,
    "use_repository_button": True,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
