import { defineRule } from '../rule.ts';
import { caCertificates, certificateUses } from '../../model/certificates.ts';
import { chainsTo } from '../../model/lineage.ts';

/** How many pending names the message lists before "and N more". */
const SHOWN = 10;

export const rule = defineRule({
  meta: {
    id: 'rollover/progress',
    severity: 'info',
    title: 'During a root rollover: how many certificates chain to the new root, and which do not yet',
    rationale:
      'A root rollover is finished only when every leaf has been reissued under the new root (the intermediate is rolled over and every server certificate reissued). This finding is the checklist: it counts the leaves under either root and names the ones still waiting.',
    source: 'docs/architectures/ca-rollover.md#the-phases-of-a-rollover',
    remedy: 'Reissue the listed certificates under the new root; move to retire-old when none is left.',
    messages: {
      progress: 'rollover {{from}} -> {{to}} ({{phase}}): {{done}} of {{total}} leaf certificates chain to {{to}}{{pending}}',
    },
  },
  applies: (model) => model.topology.rollover !== undefined,
  *check(model) {
    const rollover = model.topology.rollover;
    if (!rollover) return;
    const { from, to, phase, location } = rollover;
    const cas = caCertificates(model);
    if (!cas.has(from) || !cas.has(to)) return; // undeclared or unreadable: topology/reference, cert/unreadable
    const moved = new Set<string>();
    const waiting = new Set<string>();
    for (const u of certificateUses(model)) {
      if (u.kind !== 'leaf') continue;
      if (chainsTo(model, u.cert, to)) moved.add(u.target);
      else if (chainsTo(model, u.cert, from)) waiting.add(u.target);
    }
    const names = [...waiting];
    const pending =
      names.length === 0
        ? ''
        : `; not yet: ${names.slice(0, SHOWN).join(', ')}${names.length > SHOWN ? ` and ${names.length - SHOWN} more` : ''}`;
    yield {
      target: to,
      messageId: 'progress',
      data: { from, to, phase, done: moved.size, total: moved.size + waiting.size, pending },
      location,
    };
  },
});
