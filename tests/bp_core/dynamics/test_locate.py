"""The locator of special points on the unit circle x^2 + p^2 = 1, followed by the one continuation driver:
a smooth test is located at its analytic zero; a test whose magnitude is rounding noise (its sign flips
without its value shrinking) stops the search within a few iterations instead of thirty."""

import numpy as np

from bp_core.dynamics import arclength


class Circle:
    """``F(x, p) = x^2 + p^2 - 1``, one test: ``test(u)``; counts the tests evaluated."""

    weights = np.ones(2)
    test_names = ("T",)

    def __init__(self, test):
        self.test, self.evaluated = test, 0

    def residual(self, u):
        return np.array([u[0] ** 2 + u[1] ** 2 - 1.0])

    def jacobian(self, u):
        return np.array([[2 * u[0], 2 * u[1]]])

    def tests(self, u, t):
        self.evaluated += 1
        return np.array([self.test(u)])

    def accept(self, u, t):
        return u, t

    def stop(self, u, t):
        return "half way round" if u[0] < 0 else None

    def context(self):
        return None


def trace(problem, steps=12):
    settings = arclength.Settings(ds=0.2, ds_max=0.2, max_steps=steps)
    return arclength.trace(problem, np.array([1.0, 0.0]), np.array([0.0, 1.0]), settings)


def test_a_smooth_test_is_located_at_its_zero():
    curve = trace(Circle(lambda u: u[1] - 0.5))
    (event,) = curve.events
    x, p = curve.points[event.index]
    assert abs(p - 0.5) < 1e-10 and abs(x - np.sqrt(0.75)) < 1e-10


def test_a_test_at_its_rounding_level_ends_the_search_early():
    rng = np.random.default_rng(1)
    noisy = Circle(lambda u: np.sign(u[1] - 0.5) * 1e20 * (1.0 + rng.random()))
    plain = Circle(lambda u: u[1] - 0.5)
    curve = trace(noisy)
    (event,) = curve.events
    _, p = curve.points[event.index]
    before, after = curve.points[event.index - 1][1], curve.points[event.index + 1][1]
    assert before < p < after  # a point of the bracketing step
    trace(plain)
    # Beyond the branch's own steps, only the three stalled iterations and the first one: not thirty.
    assert noisy.evaluated - plain.evaluated <= 4



class FactoredCircle(Circle):
    """The circle with its own factorisation of the bordered Jacobian, as cycles have theirs: each of the
    locator's corrections then costs a factorisation of a large system, and the search ends without one more."""

    def bordered(self, u, row):
        return np.vstack([self.jacobian(u), row[None, :]])

    def factor(self, u, row):
        matrix = self.bordered(u, row)
        return lambda rhs: np.linalg.solve(matrix, rhs)


def test_where_corrections_factorise_the_locator_stops_at_the_secants_estimate():
    plain, factored = Circle(lambda u: u[1] - 0.5), FactoredCircle(lambda u: u[1] - 0.5)
    reference, curve = trace(plain), trace(factored)
    (event,) = curve.events
    x, p = curve.points[event.index]
    assert abs(p - 0.5) < 1e-10 and abs(x - np.sqrt(0.75)) < 1e-10
    # The same curve in fewer tests (corrections): the secant through the last two iterates instead of regula
    # falsi's through the bracket's far end, and the last iterate kept, not corrected again (16 -> 14 here).
    assert [len(c.points) for c in (reference, curve)] == [len(reference.points)] * 2
    assert factored.evaluated <= plain.evaluated - 2
