/**
 * The `demo` action backend: performs actions against demo accounts kept in SQLite and writes what the
 * insurer would send (e-mail, SMS, letter) to an outbox that the demo page shows.
 */
import { randomBytes } from 'node:crypto';
import { decideChange } from '../rules/deductible.ts';
import { firstOfNextMonth, zurichNow } from '../rules/zurich-time.ts';
import type { Store } from '../store/types.ts';
import { DEMO_ACCOUNTS, type DemoAccount } from './demo-accounts.ts';
import type { AccountView, ActionBackend, ActionRequest, ActionResult } from './types.ts';

const key = (tenant: string, sub: string) => `demo-account:${tenant}:${sub}`;
const normalize = (s: string) => s.toLowerCase().replace(/[\s.]/g, '');

export function createDemoBackend(store: Store, clock: () => Date): ActionBackend {
  const load = async (tenant: string, sub: string): Promise<DemoAccount | undefined> =>
    (await store.getJson<DemoAccount>(key(tenant, sub))) ?? DEMO_ACCOUNTS.find((a) => a.tenant === tenant && a.sub === sub);
  const save = (a: DemoAccount) => store.setJson(key(a.tenant, a.sub), a);
  const byIdentifier = async (tenant: string, id: string) => {
    const accounts = await Promise.all(DEMO_ACCOUNTS.filter((a) => a.tenant === tenant).map(async (a) => (await load(a.tenant, a.sub))!));
    return accounts.find((a) => [a.email, a.customerNumber, a.mobile].some((v) => normalize(v) === normalize(id)));
  };
  const reference = () => `D-${randomBytes(4).toString('hex').toUpperCase()}`;
  const send = (tenant: string, channel: 'email' | 'sms' | 'letter', recipient: string, subject: string, body: string) =>
    store.addOutbox({ tenant, channel, recipient, subject, body, createdAt: clock().toISOString() });

  const adult = (a: DemoAccount) => zurichNow(clock()).year - a.birthYear >= 18;

  return {
    async account(tenant, subject): Promise<AccountView | undefined> {
      const a = await load(tenant, subject);
      return a && { adult: adult(a), deductible: a.deductible, accidentCover: a.accidentCover, onlineInsurance: a.onlineInsurance };
    },

    async perform(req: ActionRequest): Promise<ActionResult> {
      // Parameters were validated by the action service.
      const p = req.params as { identifier: string; channel: 'sms' | 'email'; insuredNumber: string; email: string; amount: number; include: boolean };
      const ref = reference();
      switch (req.action) {
        // Requests for links and codes: the same answer whether or not the account exists.
        case 'password-reset': {
          const a = await byIdentifier(req.tenant, p.identifier);
          if (a) await send(req.tenant, 'email', a.email, 'Password reset', `A link to choose a new password (valid 1 hour). Reference ${ref}.`);
          return { ok: true, reference: ref };
        }
        case 'resend-code': {
          const a = await byIdentifier(req.tenant, p.identifier);
          const code = String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000));
          if (a) await send(req.tenant, p.channel === 'email' ? 'email' : 'sms', p.channel === 'email' ? a.email : a.mobile, 'Login code', `Your login code: ${code}`);
          return { ok: true, reference: ref };
        }
        case 'order-code-card': {
          const a = await byIdentifier(req.tenant, p.identifier);
          if (a) await send(req.tenant, 'letter', a.name, 'New code card', 'Your new code card is on its way by post.');
          return { ok: true, reference: ref };
        }
        case 'start-registration': {
          const a = await byIdentifier(req.tenant, p.insuredNumber);
          if (a && normalize(a.email) === normalize(p.email)) {
            await send(req.tenant, 'email', a.email, 'myAtupri registration', 'Please confirm your e-mail address. The link is valid 30 days.');
            await send(req.tenant, 'letter', a.name, 'myAtupri activation', 'Your activation letter with a QR code to verify your home address.');
          }
          return { ok: true, reference: ref };
        }
        case 'resend-activation': {
          const a = await byIdentifier(req.tenant, p.email);
          if (a) await send(req.tenant, 'email', a.email, 'myAtupri activation', 'A new activation link, valid 30 days.');
          return { ok: true, reference: ref };
        }
        case 'contact-request':
          return { ok: true, reference: ref };
        default:
          break;
      }
      // Account changes: the signed-in person only.
      const a = req.subject ? await load(req.tenant, req.subject) : undefined;
      if (!a) return { ok: false, reason: 'rejected', code: 'unknown_account' };
      switch (req.action) {
        case 'deductible-change': {
          const decision = decideChange(clock(), adult(a), a.deductible, p.amount);
          if (!decision.ok) return { ok: false, reason: 'rejected', code: decision.reason };
          const before = a.deductible;
          await save({ ...a, deductible: p.amount });
          await send(req.tenant, 'letter', a.name, 'Deductible change', `Deductible CHF ${before} → CHF ${p.amount} from ${decision.effective}.`);
          return { ok: true, reference: ref, details: { before, after: p.amount, effective: decision.effective } };
        }
        case 'accident-cover': {
          await save({ ...a, accidentCover: p.include });
          await send(req.tenant, 'letter', a.name, 'Accident cover', p.include ? 'Accident cover included.' : 'Accident cover excluded.');
          return { ok: true, reference: ref, details: { include: p.include } };
        }
        case 'online-insurance-join': {
          if (a.onlineInsurance) return { ok: false, reason: 'rejected', code: 'already_online' };
          const effective = firstOfNextMonth(clock());
          await save({ ...a, onlineInsurance: true });
          await send(req.tenant, 'email', a.email, 'Online insurance', `Welcome to the online insurance from ${effective}.`);
          return { ok: true, reference: ref, details: { effective } };
        }
        case 'online-insurance-leave': {
          if (!a.onlineInsurance) return { ok: false, reason: 'rejected', code: 'not_online' };
          await save({ ...a, onlineInsurance: false });
          await send(req.tenant, 'email', a.email, 'Online insurance', 'You have left the online insurance.');
          return { ok: true, reference: ref };
        }
        default:
          return { ok: false, reason: 'rejected', code: 'unknown_action' };
      }
    },
  };
}
