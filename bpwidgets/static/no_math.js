// The typesetter of a page without mathematics: MathJax 2's interface, doing nothing.
// JupyterLab's MathJax 2 plugin loads this script (bpwidgets/page_math.py) in place of MathJax and queues
// each widget's and output's element for typesetting here; a page whose notebook holds no TeX has nothing to typeset, and MathJax 3
// (about 0.9 MB of script, loaded on the first typeset) is then never fetched, compiled or run.
window.MathJax = {
  Hub: {
    Config() {},
    Configured() {},
    Queue() {},
    Register: { StartupHook() {} },
  },
  Ajax: {},
  InputJax: { TeX: { resetEquationNumbers() {} } },
};
