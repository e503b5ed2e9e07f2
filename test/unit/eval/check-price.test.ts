import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPrice, designCost } from '../../../eval/check-price.js';
import { agency, proposal, qualifiedResult } from './eval-fixtures.js';

const design = qualifiedResult().solutionDesigns[0]!;

describe('checkPrice', () => {
  it('accepts rate card line items that add up to the total the design implies', () => {
    assert.deepEqual(checkPrice(proposal(), design, 30000, agency), { sane: true, problems: [], discountPercent: 0, designCost: 17840 });
  });

  it('refuses a rate that is not a day rate of the rate card, and an amount that is not days × rate', () => {
    const check = checkPrice(
      proposal({
        lineItems: [
          { description: 'Development', days: 20, rate: 700, amount: 14000 },
          { description: 'Project management', days: 3, rate: 880, amount: 3840 },
        ],
      }),
      design,
      undefined,
      agency,
    );
    assert.deepEqual(check.problems, ['line 1 "Development": rate 700 is not a day rate of the rate card', 'line 2 "Project management": amount 3840 ≠ 3 days × 880']);
  });

  it('accepts a discount up to the maximum and refuses one above it', () => {
    assert.equal(checkPrice(proposal({ total: 16056 }), design, undefined, agency).sane, true);
    const check = checkPrice(proposal({ total: 15500 }), design, undefined, agency);
    assert.equal(check.sane, false);
    assert.equal(check.discountPercent.toFixed(1), '13.1');
  });

  it('accepts a small project raised to the minimum project size, and a large one capped at the maximum', () => {
    const small = proposal({ total: 8000, lineItems: [{ description: 'Development', days: 6, rate: 760, amount: 4560 }] });
    const smallDesign = { ...design, workPackages: [{ roleId: 'developer', expected: 6 }] };
    assert.deepEqual(checkPrice(small, smallDesign, undefined, agency).problems, []);
    const large = proposal({ total: 250000, lineItems: [{ description: 'Development', days: 400, rate: 760, amount: 304000 }] });
    const largeDesign = { ...design, workPackages: [{ roleId: 'developer', expected: 400 }] };
    assert.deepEqual(checkPrice(large, largeDesign, undefined, agency), { sane: true, problems: [], discountPercent: 0, designCost: 304000 });
  });

  it('refuses a total under 85 % of what the design costs, even when the line items agree with it', () => {
    const heavyDesign = { ...design, workPackages: [{ roleId: 'developer', expected: 40 }] };
    assert.deepEqual(checkPrice(proposal(), heavyDesign, undefined, agency).problems, ["total 17840 is below 85 % of the design's cost 30400"]);
  });

  it('refuses more than three times a stated budget, unless the budget is below the minimum project size', () => {
    assert.deepEqual(checkPrice(proposal(), design, 5000, agency).problems, []);
    assert.deepEqual(checkPrice(proposal(), design, 8000, agency).problems, []);
    const big = proposal({ total: 30400, lineItems: [{ description: 'Development', days: 40, rate: 760, amount: 30400 }] });
    const bigDesign = { ...design, workPackages: [{ roleId: 'developer', expected: 40 }] };
    assert.deepEqual(checkPrice(big, bigDesign, 10000, agency).problems, ['total 30400 is more than 3× the stated budget 10000']);
  });

  it('reports a design whose work packages it cannot read rather than skipping the check', () => {
    assert.equal(designCost({ ...design, workPackages: [{ title: 'Shop' }] }, agency), null);
    assert.deepEqual(checkPrice(proposal(), { ...design, workPackages: [{ title: 'Shop' }] }, undefined, agency).problems, [
      "the design's work packages cannot be read (roleId and expected days)",
    ]);
    assert.deepEqual(checkPrice(proposal(), undefined, undefined, agency).problems, ['no solution design to check the total against']);
  });
});
