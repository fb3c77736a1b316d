// Record converters for chunkRecords: to a WindowsEventRecord (fast plan path when the template allows,
// else the element tree) or to the element tree itself (for XML rendering).
import type { WindowsEventRecord } from '../../record.js';
import type { EventOrigin } from '../../../model/event.js';
import type { RecordSpan, Warn } from './chunk.js';
import { fragment, type XNode } from './dom.js';
import { toRecord } from './event.js';
import { compilePlan, recordFromPlan } from './plan.js';
import { readInstance } from './template.js';

// The record's element tree (generic path).
export function toTree(r: RecordSpan): XNode[] {
  return fragment(r.ctx, r.start, r.limit, 0);
}

// A converter to WindowsEventRecord for `file`, warning about records without <Event><System>
// (`fast` false forces the element-tree path, for tests that prove both paths agree).
export function toEventRecord(file: string, warn: Warn, fast = true): (r: RecordSpan) => WindowsEventRecord | null {
  return (r) => {
    const origin: EventOrigin = { format: 'evtx', file, recordId: r.recordId, offset: r.offset };
    const b = r.ctx.b;
    // Fast path: [fragment header] template instance, its substitutions, end of fragment.
    const at = b[r.start] === 0x0f ? r.start + 4 : r.start;
    if (fast && at < r.limit && b[at] === 0x0c) {
      const inst = readInstance(r.ctx, at, r.limit);
      const t = inst.template;
      if (t.plan === undefined) t.plan = compilePlan(t);
      if (t.plan && (inst.end >= r.limit || b[inst.end] === 0x00)) {
        const rec = recordFromPlan(r.ctx, t.plan, inst.subs, origin, r.recordId);
        if (rec) {
          origin.recordId = rec.recordId; // EventRecordID (an exported log renumbers the record headers)
          return rec;
        }
      }
    }
    const rec = toRecord(toTree(r), origin, r.recordId);
    if (rec) origin.recordId = rec.recordId;
    if (!rec) warn({ file, offset: r.offset, reason: `record ${r.recordId} has no <Event><System> element; skipped` });
    return rec;
  };
}
