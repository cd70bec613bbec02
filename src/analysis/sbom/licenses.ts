/**
 * Licences as package databases say them, for SBOMs: an SPDX id ("MIT"), an SPDX expression
 * ("MIT OR Apache-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"), or a name of the
 * database's own ("GPL-2+", "Artistic", "BSD-like") that SPDX documents carry as a LicenseRef.
 */
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';

/**
 * Whether `text` is an SPDX licence expression of known ids (SPDX 2.3 annex D): ids joined by
 * AND / OR, a WITH exception after an id, parentheses. LicenseRef-… counts as an id.
 */
export function isSpdxExpression(text: string): boolean {
  const tokens = text.replace(/[()]/g, ' $& ').trim().split(/\s+/);
  let depth = 0;
  let expectOperand = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '(') {
      if (!expectOperand) {
        return false;
      }
      depth++;
    } else if (t === ')') {
      if (expectOperand || --depth < 0) {
        return false;
      }
    } else if (/^(AND|OR)$/i.test(t)) {
      if (expectOperand) {
        return false;
      }
      expectOperand = true;
    } else if (/^WITH$/i.test(t)) {
      // WITH takes an exception id; its list is not carried here, only its form.
      if (expectOperand || !/^[A-Za-z0-9.-]+$/.test(tokens[i + 1] ?? '')) {
        return false;
      }
      i++;
    } else {
      if (!expectOperand || !(SPDX.isSupportedSpdxId(t.replace(/\+$/, '')) || /^LicenseRef-[A-Za-z0-9.-]+$/.test(t))) {
        return false;
      }
      expectOperand = false;
    }
  }
  return depth === 0 && !expectOperand && tokens.length > 0;
}

/** A name that is no SPDX id, as an SPDX LicenseRef (letters, digits, '.' and '-' only). */
export function licenseRef(name: string): string {
  return `LicenseRef-${name.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'unnamed'}`;
}
