package io.smainer.crypto.internal;

import static io.smainer.crypto.internal.StarkField.add;
import static io.smainer.crypto.internal.StarkField.dbl;
import static io.smainer.crypto.internal.StarkField.equal;
import static io.smainer.crypto.internal.StarkField.isZero;
import static io.smainer.crypto.internal.StarkField.mul;
import static io.smainer.crypto.internal.StarkField.set;
import static io.smainer.crypto.internal.StarkField.sqr;
import static io.smainer.crypto.internal.StarkField.sub;

import java.util.Arrays;

/**
 * A mutable point in Jacobian coordinates {@code (X, Y, Z)} ↔ affine {@code (X/Z^2, Y/Z^3)} on a short
 * Weierstrass curve {@code y^2 = x^3 + a*x + b} over the Stark field; {@code Z = 0} is the point at
 * infinity. The formulas are the Explicit-Formulas Database's {@code dbl-2007-bl}, {@code madd-2007-bl}
 * and {@code add-2007-bl}, with the exceptional cases (infinity, doubling, inverse points) handled, so
 * every sum is the group's sum. Each point carries its own scratch space: one point, one thread.
 * Not API.
 */
final class JacobianPoint {
    final long[] x = new long[4];
    final long[] y = new long[4];
    final long[] z = new long[4];

    private final long[] t0 = new long[4];
    private final long[] t1 = new long[4];
    private final long[] t2 = new long[4];
    private final long[] t3 = new long[4];
    private final long[] t4 = new long[4];
    private final long[] t5 = new long[4];
    private final long[] t6 = new long[4];
    private final long[] ax = new long[4];
    private final long[] ay = new long[4];

    /** @return whether this is the point at infinity */
    boolean isInfinity() {
        return isZero(z);
    }

    /** Becomes the point at infinity. */
    void setInfinity() {
        set(x, StarkField.ONE);
        set(y, StarkField.ONE);
        Arrays.fill(z, 0);
    }

    /**
     * @param px affine x, Montgomery form
     * @param py affine y, Montgomery form
     */
    void setAffine(long[] px, long[] py) {
        set(x, px);
        set(y, py);
        set(z, StarkField.ONE);
    }

    /**
     * Becomes {@code other} where {@code mask} is all ones and stays itself where it is zero, without a
     * branch on the mask.
     *
     * @param other the point to take
     * @param mask all ones or zero
     */
    void select(JacobianPoint other, long mask) {
        for (int k = 0; k < 4; k++) {
            x[k] = (x[k] & ~mask) | (other.x[k] & mask);
            y[k] = (y[k] & ~mask) | (other.y[k] & mask);
            z[k] = (z[k] & ~mask) | (other.z[k] & mask);
        }
    }

    /** @param other the point to copy */
    void copyFrom(JacobianPoint other) {
        StarkField.set(x, other.x);
        StarkField.set(y, other.y);
        StarkField.set(z, other.z);
    }

    /** Becomes {@code -this}. */
    void negate() {
        StarkField.neg(y, y);
    }

    /**
     * Doubles in place ({@code dbl-2007-bl}: 1M + 8S, plus one multiplication by {@code a} unless a = 1).
     *
     * @param a the curve's {@code a} in Montgomery form, or null for {@code a = 1}
     */
    void twice(long[] a) {
        if (isInfinity()) {
            return;
        }
        long[] xx = t0;
        long[] yy = t1;
        long[] yyyy = t2;
        long[] zz = t3;
        long[] s = t4;
        long[] m = t5;
        long[] t = t6;
        sqr(xx, x);
        sqr(yy, y);
        sqr(yyyy, yy);
        sqr(zz, z);
        // S = 2 * ((X + YY)^2 - XX - YYYY)
        add(s, x, yy);
        sqr(s, s);
        sub(s, s, xx);
        sub(s, s, yyyy);
        dbl(s, s);
        // M = 3 * XX + a * ZZ^2
        sqr(m, zz);
        if (a != null) {
            mul(m, m, a);
        }
        add(m, m, xx);
        add(m, m, xx);
        add(m, m, xx);
        // Z3 = (Y + Z)^2 - YY - ZZ (before Y changes)
        add(z, y, z);
        sqr(z, z);
        sub(z, z, yy);
        sub(z, z, zz);
        // X3 = T = M^2 - 2S
        sqr(t, m);
        sub(t, t, s);
        sub(t, t, s);
        set(x, t);
        // Y3 = M * (S - T) - 8 * YYYY
        sub(s, s, t);
        mul(y, m, s);
        dbl(yyyy, yyyy);
        dbl(yyyy, yyyy);
        dbl(yyyy, yyyy);
        sub(y, y, yyyy);
    }

    /**
     * Adds an affine point in place ({@code madd-2007-bl}: 7M + 4S).
     *
     * @param px its x, Montgomery form
     * @param py its y, Montgomery form
     * @param a the curve's {@code a}, or null for 1 (used only when the sum is a doubling)
     */
    void addAffine(long[] px, long[] py, long[] a) {
        if (isInfinity()) {
            setAffine(px, py);
            return;
        }
        long[] z1z1 = t0;
        long[] u2 = t1;
        long[] s2 = t2;
        long[] h = t3;
        long[] hh = t4;
        long[] i = t5;
        long[] j = t6;
        sqr(z1z1, z);
        mul(u2, px, z1z1);
        mul(s2, py, z);
        mul(s2, s2, z1z1);
        sub(h, u2, x);
        sub(s2, s2, y); // s2 now S2 - Y1
        if (isZero(h)) {
            if (isZero(s2)) {
                StarkField.set(ax, px);
                StarkField.set(ay, py);
                setAffine(ax, ay);
                twice(a);
            } else {
                setInfinity();
            }
            return;
        }
        long[] r = s2;
        dbl(r, r);
        sqr(hh, h);
        // Z3 = (Z1 + H)^2 - Z1Z1 - HH (Z1 is not needed after this)
        add(z, z, h);
        sqr(z, z);
        sub(z, z, z1z1);
        sub(z, z, hh);
        // I = 4 * HH, J = H * I, V = X1 * I
        dbl(i, hh);
        dbl(i, i);
        mul(j, h, i);
        long[] v = u2;
        mul(v, x, i);
        // X3 = r^2 - J - 2V
        sqr(x, r);
        sub(x, x, j);
        sub(x, x, v);
        sub(x, x, v);
        // Y3 = r * (V - X3) - 2 * Y1 * J
        mul(j, j, y);
        dbl(j, j);
        sub(v, v, x);
        mul(y, r, v);
        sub(y, y, j);
    }

    /**
     * Adds another Jacobian point in place ({@code add-2007-bl}: 11M + 5S).
     *
     * @param q the other point (not this one)
     * @param a the curve's {@code a}, or null for 1 (used only when the sum is a doubling)
     */
    void addPoint(JacobianPoint q, long[] a) {
        if (q.isInfinity()) {
            return;
        }
        if (isInfinity()) {
            copyFrom(q);
            return;
        }
        long[] z1z1 = t0;
        long[] z2z2 = t1;
        long[] u1 = t2;
        long[] u2 = t3;
        long[] s1 = t4;
        long[] s2 = t5;
        long[] h = t6;
        sqr(z1z1, z);
        sqr(z2z2, q.z);
        mul(u1, x, z2z2);
        mul(u2, q.x, z1z1);
        mul(s1, y, q.z);
        mul(s1, s1, z2z2);
        mul(s2, q.y, z);
        mul(s2, s2, z1z1);
        sub(h, u2, u1);
        sub(s2, s2, s1); // S2 - S1
        if (isZero(h)) {
            if (isZero(s2)) {
                twice(a);
            } else {
                setInfinity();
            }
            return;
        }
        long[] r = s2;
        dbl(r, r);
        // Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) * H
        add(z, z, q.z);
        sqr(z, z);
        sub(z, z, z1z1);
        sub(z, z, z2z2);
        mul(z, z, h);
        // I = (2H)^2, J = H * I, V = U1 * I
        long[] i = z1z1;
        dbl(i, h);
        sqr(i, i);
        long[] j = z2z2;
        mul(j, h, i);
        long[] v = u1;
        mul(v, u1, i);
        // X3 = r^2 - J - 2V
        sqr(x, r);
        sub(x, x, j);
        sub(x, x, v);
        sub(x, x, v);
        // Y3 = r * (V - X3) - 2 * S1 * J
        mul(s1, s1, j);
        dbl(s1, s1);
        sub(v, v, x);
        mul(y, r, v);
        sub(y, y, s1);
    }

    /**
     * @param out the affine x in Montgomery form
     * @throws ArithmeticException at infinity
     */
    void affineX(long[] out) {
        affineX(out, false);
    }

    /**
     * @param out the affine x in Montgomery form
     * @param secret whether this point was computed from a secret scalar: Z is then inverted in constant time
     * @throws ArithmeticException at infinity
     */
    void affineX(long[] out, boolean secret) {
        long[] zi = t0;
        StarkField.inv(zi, z, secret);
        sqr(zi, zi);
        mul(out, x, zi);
    }

    /**
     * @param outX the affine x in Montgomery form
     * @param outY the affine y in Montgomery form
     * @throws ArithmeticException at infinity
     */
    void affine(long[] outX, long[] outY) {
        long[] zi = t0;
        long[] zi2 = t1;
        StarkField.inv(zi, z);
        sqr(zi2, zi);
        mul(outX, x, zi2);
        mul(zi2, zi2, zi);
        mul(outY, y, zi2);
    }

    /**
     * @param other a point
     * @return whether both are the same group element
     */
    boolean sameAs(JacobianPoint other) {
        if (isInfinity() || other.isInfinity()) {
            return isInfinity() && other.isInfinity();
        }
        long[] a = t0;
        long[] b = t1;
        long[] c = t2;
        sqr(a, z);
        sqr(b, other.z);
        mul(c, x, b);
        mul(b, other.x, a); // b reused after c is formed
        if (!equal(c, b)) {
            return false;
        }
        sqr(a, z);
        mul(a, a, z);
        sqr(b, other.z);
        mul(b, b, other.z);
        mul(c, y, b);
        mul(b, other.y, a);
        return equal(c, b);
    }
}
