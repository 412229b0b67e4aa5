import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANONYMOUS, type Actor, authorize, can } from './policy.ts';

const user = (memberships: Extract<Actor, { kind: 'user' }>['memberships']): Actor => ({
  kind: 'user',
  userId: 'u1',
  displayName: 'Test user',
  memberships,
  personId: null,
  sessionRef: 'ref',
});

describe('access policy', () => {
  it('denies everything to an anonymous caller', () => {
    assert.equal(can(ANONYMOUS, 'home:read'), false);
    assert.equal(authorize(ANONYMOUS, 'directory:read'), false);
  });

  it('denies a permission no role of the actor grants', () => {
    const champion = user([{ organisationId: 'o1', teamId: null, role: 'champion' }]);
    assert.equal(can(champion, 'front-door:queue:read'), false);
    assert.equal(can(champion, 'front-door:referral:create'), true);
  });

  it('lets a provider admin manage services of their own organisation only', () => {
    const admin = user([{ organisationId: 'o1', teamId: null, role: 'provider-admin' }]);
    assert.equal(authorize(admin, 'directory:services:manage', { organisationId: 'o1' }), true);
    assert.equal(authorize(admin, 'directory:services:manage', { organisationId: 'o2' }), false);
    assert.equal(authorize(admin, 'directory:services:manage'), false, 'an organisation-scoped permission needs a resource');
  });

  it('scopes team permissions to the granting team', () => {
    const lead = user([{ organisationId: 'o1', teamId: 't1', role: 'team-lead' }]);
    assert.equal(authorize(lead, 'care:team:read', { teamId: 't1' }), true);
    assert.equal(authorize(lead, 'care:team:read', { teamId: 't2' }), false);
  });

  it('never lets a commissioner read a person', () => {
    const commissioner = user([{ organisationId: 'o1', teamId: null, role: 'commissioner' }]);
    assert.equal(can(commissioner, 'people:read'), false);
    assert.equal(can(commissioner, 'insights:read'), true);
  });
});
