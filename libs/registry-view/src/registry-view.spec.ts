import { randomUUID } from 'node:crypto';
import { Topics } from '@tessera/contracts';
import { PermanentEventError } from '@tessera/messaging';
import { DEFAULT_POLICY_RULES, STRICT_POLICY_RULES } from '@tessera/policy';
import { ExpiryPurge } from '@tessera/verifier';
import { RegistryView } from './registry-view';
import {
  appEvent,
  deviceOverrideEvent,
  policyEvent,
  registrationEvent,
  revocationEvent,
} from './testing/registry-events';

const now = Date.parse('2026-12-01T12:00:00Z');
const past = '2026-12-01T11:00:00.000Z';
const future = '2026-12-01T13:00:00.000Z';

describe('the registry view', () => {
  describe('tenants', () => {
    it("answers a tenant's latest status, and nothing for a tenant it never heard of", () => {
      const view = new RegistryView();
      view.applyTenant('acme', { tenantId: 'acme', name: 'Acme', status: 'active' });
      view.applyTenant('globex', { tenantId: 'globex', name: 'Globex', status: 'active' });
      view.applyTenant('globex', { tenantId: 'globex', name: 'Globex', status: 'suspended' });
      expect(view.tenantStatus('acme')).toBe('active');
      expect(view.tenantStatus('globex')).toBe('suspended');
      expect(view.tenantStatus('initech')).toBeUndefined();
    });
  });

  describe('apps', () => {
    it('holds an app under its tenant only, and replaces it with its latest identifiers and policy', () => {
      const view = new RegistryView();
      const app = appEvent();
      view.applyApp('acme', app);
      expect(view.app('acme', app.appId)).toEqual({
        appId: app.appId,
        teamId: app.teamId,
        name: 'Payments',
        identifiers: { platform: 'android', packageName: 'com.example.payments' },
        policyId: null,
      });
      expect(view.app('globex', app.appId)).toBeUndefined();

      const policyId = randomUUID();
      const moved = { ...app, identifiers: { platform: 'android', packageName: 'com.example.pay' }, policyId } as const;
      view.applyApp('acme', moved);
      expect(view.app('acme', app.appId)).toMatchObject({ identifiers: moved.identifiers, policyId });
      expect(view.sizes().apps).toBe(1);
    });

    it('forgets an app on its tombstone', () => {
      const view = new RegistryView();
      const app = appEvent();
      view.applyApp('acme', app);
      view.applyTombstone(Topics.registry, `acme/app/${app.appId}`);
      expect(view.app('acme', app.appId)).toBeUndefined();
      expect(view.sizes().apps).toBe(0);
    });
  });

  describe('policy rules', () => {
    it("answers the default rules for an app without a policy, and its policy's rules, as they change", () => {
      const view = new RegistryView();
      const policy = policyEvent();
      view.applyPolicy('acme', policy);
      expect(view.rulesFor('acme', appEvent())).toBe(DEFAULT_POLICY_RULES);
      const app = appEvent({ policyId: policy.policyId });
      expect(view.rulesFor('acme', app)).toEqual(STRICT_POLICY_RULES);
      const relaxed = { ...STRICT_POLICY_RULES, tokenLifetimeSeconds: 600 };
      view.applyPolicy('acme', { ...policy, rules: relaxed });
      expect(view.rulesFor('acme', app)).toEqual(relaxed);
      expect(view.policyMissing).toBe(0);
    });

    it('answers the default rules for a policy it does not hold, and counts each time', () => {
      const view = new RegistryView();
      const policy = policyEvent();
      view.applyPolicy('globex', policy);
      const app = appEvent({ policyId: policy.policyId });
      // Another tenant's policy of the same id is not this tenant's.
      expect(view.rulesFor('acme', app)).toBe(DEFAULT_POLICY_RULES);
      view.applyPolicy('acme', policy);
      view.applyTombstone(Topics.policies, `acme/policy/${policy.policyId}`);
      expect(view.rulesFor('acme', app)).toBe(DEFAULT_POLICY_RULES);
      expect(view.policyMissing).toBe(2);
      expect(view.rulesFor('globex', app)).toEqual(STRICT_POLICY_RULES);
    });
  });

  describe('registrations', () => {
    it('holds every registration of an app, expired ones included with their expiry, under its tenant only', () => {
      const view = new RegistryView();
      const appId = randomUUID();
      const current = registrationEvent(appId);
      const expired = registrationEvent(appId, { expiresAt: past });
      view.applyRegistration('acme', current);
      view.applyRegistration('acme', expired);
      view.applyRegistration('acme', registrationEvent(randomUUID()));
      expect(view.registrationsOf('acme', appId)).toEqual([
        { registrationId: current.registrationId, build: current.build, createdAt: current.createdAt, expiresAt: null },
        { registrationId: expired.registrationId, build: expired.build, createdAt: expired.createdAt, expiresAt: past },
      ]);
      expect(view.registrationsOf('globex', appId)).toEqual([]);
      expect(view.registrationsOf('acme', randomUUID())).toEqual([]);
    });

    it('applies a redelivered or changed registration as its latest state', () => {
      const view = new RegistryView();
      const registration = registrationEvent(randomUUID());
      view.applyRegistration('acme', registration);
      view.applyRegistration('acme', registration);
      view.applyRegistration('acme', { ...registration, expiresAt: future });
      expect(view.registrationsOf('acme', registration.appId)).toEqual([
        expect.objectContaining({ registrationId: registration.registrationId, expiresAt: future }),
      ]);
      expect(view.sizes().registrations).toBe(1);
    });

    it('moves a registration that names another app: the old app no longer has it', () => {
      const view = new RegistryView();
      const registration = registrationEvent(randomUUID());
      const otherAppId = randomUUID();
      view.applyRegistration('acme', registration);
      view.applyRegistration('acme', { ...registration, appId: otherAppId });
      expect(view.registrationsOf('acme', registration.appId)).toEqual([]);
      expect(view.registrationsOf('acme', otherAppId).map((r) => r.registrationId)).toEqual([
        registration.registrationId,
      ]);
    });

    it('forgets a registration on its tombstone, and a tombstone again changes nothing', () => {
      const view = new RegistryView();
      const kept = registrationEvent(randomUUID());
      const removed = registrationEvent(kept.appId);
      view.applyRegistration('acme', kept);
      view.applyRegistration('acme', removed);
      view.applyTombstone(Topics.registry, `acme/registration/${removed.registrationId}`);
      view.applyTombstone(Topics.registry, `acme/registration/${removed.registrationId}`);
      expect(view.registrationsOf('acme', kept.appId).map((r) => r.registrationId)).toEqual([kept.registrationId]);
    });
  });

  describe('device overrides', () => {
    it("holds a device's overrides for any app of its tenant, expired ones included", () => {
      const view = new RegistryView();
      const forEveryApp = deviceOverrideEvent('pixel-7');
      const forOneApp = deviceOverrideEvent('pixel-7', { appId: randomUUID(), verdict: 'fail', expiresAt: past });
      view.applyDeviceOverride('acme', forEveryApp);
      view.applyDeviceOverride('acme', forOneApp);
      view.applyDeviceOverride('acme', deviceOverrideEvent('pixel-8'));
      expect(view.overridesFor('acme', 'pixel-7')).toEqual([
        { overrideId: forEveryApp.overrideId, appId: null, verdict: 'pass', expiresAt: null },
        { overrideId: forOneApp.overrideId, appId: forOneApp.appId, verdict: 'fail', expiresAt: past },
      ]);
      expect(view.overridesFor('globex', 'pixel-7')).toEqual([]);
    });

    it('applies a changed override as its latest state, moving it off a device it no longer names', () => {
      const view = new RegistryView();
      const override = deviceOverrideEvent('pixel-7');
      view.applyDeviceOverride('acme', override);
      view.applyDeviceOverride('acme', { ...override, verdict: 'fail' });
      expect(view.overridesFor('acme', 'pixel-7')).toEqual([expect.objectContaining({ verdict: 'fail' })]);
      view.applyDeviceOverride('acme', { ...override, deviceId: 'pixel-8' });
      expect(view.overridesFor('acme', 'pixel-7')).toEqual([]);
      expect(view.overridesFor('acme', 'pixel-8')).toHaveLength(1);
      expect(view.sizes().deviceOverrides).toBe(1);
    });

    it('forgets an override on its tombstone', () => {
      const view = new RegistryView();
      const override = deviceOverrideEvent('pixel-7');
      view.applyDeviceOverride('acme', override);
      view.applyTombstone(Topics.policies, `acme/device-override/${override.overrideId}`);
      expect(view.overridesFor('acme', 'pixel-7')).toEqual([]);
    });
  });

  describe('revocations', () => {
    it('refuses a revoked subject of its tenant until its expiry or its tombstone', () => {
      const view = new RegistryView();
      const device = revocationEvent('device', 'pixel-7');
      const installation = revocationEvent('installation', 'thumbprint', future);
      view.applyRevocation('acme', device);
      view.applyRevocation('acme', installation);
      expect(view.isRevoked('acme', 'device', 'pixel-7', now)).toBe(true);
      expect(view.isRevoked('globex', 'device', 'pixel-7', now)).toBe(false);
      expect(view.isRevoked('acme', 'installation', 'thumbprint', now)).toBe(true);
      expect(view.isRevoked('acme', 'installation', 'thumbprint', Date.parse(future))).toBe(false);
      view.applyTombstone(Topics.revocations, `acme/revocation/${device.revocationId}`);
      expect(view.isRevoked('acme', 'device', 'pixel-7', now)).toBe(false);
    });
  });

  describe('tombstones', () => {
    it('change nothing for kinds the view does not hold, or a tenant it never heard of', () => {
      const view = new RegistryView();
      const app = appEvent();
      view.applyApp('acme', app);
      for (const kind of ['team', 'api-key', 'secure-string']) {
        view.applyTombstone(Topics.registry, `acme/${kind}/${app.appId}`);
      }
      // An app id on another topic names something else there.
      view.applyTombstone(Topics.policies, `acme/app/${app.appId}`);
      view.applyTombstone(Topics.registry, `globex/app/${app.appId}`);
      expect(view.app('acme', app.appId)).toBeDefined();
    });

    it('forget a tenant on its tombstone', () => {
      const view = new RegistryView();
      view.applyTenant('acme', { tenantId: 'acme', name: 'Acme', status: 'active' });
      view.applyTombstone(Topics.registry, 'acme/tenant/acme');
      expect(view.tenantStatus('acme')).toBeUndefined();
      expect(view.sizes().tenants).toBe(0);
    });

    it.each(['acme', 'acme/app', 'acme/app/', '/app/x', 'acme/app/x/y', 'Acme!/app/x'])(
      'refuse a key that names no entity (%j) for good, with the key in the reason',
      (key) => {
        const view = new RegistryView();
        expect(() => {
          view.applyTombstone(Topics.registry, key);
        }).toThrow(PermanentEventError);
        expect(() => {
          view.applyTombstone(Topics.registry, key);
        }).toThrow(`the key ${JSON.stringify(key)} is not <tenant>/<entity kind>/<entity id>`);
      },
    );
  });

  describe('expiry', () => {
    it('purges the registrations, overrides and revocations expired at the time given, and keeps the others', () => {
      const view = new RegistryView();
      const appId = randomUUID();
      const kept = registrationEvent(appId, { expiresAt: future });
      view.applyRegistration('acme', kept);
      view.applyRegistration('acme', registrationEvent(appId, { expiresAt: past }));
      view.applyDeviceOverride('globex', deviceOverrideEvent('pixel-7', { expiresAt: past }));
      view.applyDeviceOverride('globex', deviceOverrideEvent('pixel-7'));
      view.applyRevocation('acme', revocationEvent('device', 'pixel-9', past));
      view.applyRevocation('acme', revocationEvent('device', 'pixel-9'));
      expect(view.purgeExpired(now)).toBe(3);
      expect(view.registrationsOf('acme', appId).map((r) => r.registrationId)).toEqual([kept.registrationId]);
      expect(view.overridesFor('globex', 'pixel-7')).toEqual([expect.objectContaining({ expiresAt: null })]);
      expect(view.sizes()).toMatchObject({ registrations: 1, deviceOverrides: 1, revocations: 1 });
      expect(view.isRevoked('acme', 'device', 'pixel-9', now)).toBe(true);
    });

    it("is an ExpiryPurge target, as the verifier's views are", () => {
      const view = new RegistryView();
      view.applyRegistration(
        'acme',
        registrationEvent(randomUUID(), { expiresAt: new Date(Date.now() - 1000).toISOString() }),
      );
      expect(new ExpiryPurge([view]).purge()).toBe(1);
      expect(view.sizes().registrations).toBe(0);
    });
  });

  it('counts what it holds, over every tenant', () => {
    const view = new RegistryView();
    view.applyTenant('acme', { tenantId: 'acme', name: 'Acme', status: 'active' });
    view.applyTenant('globex', { tenantId: 'globex', name: 'Globex', status: 'suspended' });
    const app = appEvent();
    view.applyApp('acme', app);
    view.applyApp('globex', appEvent());
    view.applyRegistration('acme', registrationEvent(app.appId));
    view.applyRegistration('globex', registrationEvent(app.appId));
    view.applyPolicy('acme', policyEvent());
    view.applyDeviceOverride('acme', deviceOverrideEvent('pixel-7'));
    view.applyRevocation('globex', revocationEvent('token', randomUUID()));
    expect(view.sizes()).toEqual({
      tenants: 2,
      apps: 2,
      registrations: 2,
      policies: 1,
      deviceOverrides: 1,
      revocations: 1,
    });
  });

  it('names its node as given, or by host name and a random part', () => {
    expect(new RegistryView({ nodeId: 'integrity-1' }).nodeId).toBe('integrity-1');
    const [first, second] = [new RegistryView().nodeId, new RegistryView().nodeId];
    expect(first).toMatch(/^[A-Za-z0-9._-]+-[0-9a-f]{12}$/);
    expect(first).not.toBe(second);
  });
});
