// The demo directory: about 130 synthetic but realistic services across south London, with real
// opening patterns (an evening sanctuary 18:00–00:00, crisis cafés, a 24/7 line, weekday talking
// therapies, Saturday peer groups, barbershops with trained champions, youth, debt, housing and
// bereavement services), several languages, and a few closed or not taking referrals.
// Deterministic: fixed ids (derived from stable keys) and a seeded generator, so running it twice
// changes nothing. Every name, number and address here is invented.
//
// Also `seedDirectoryScale(platform, n)`: n generated services spread over England and Wales for
// the bench (`mutual seed --scale N`), inserted in batches.
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Platform } from '../../platform/context.ts';
import needsTaxonomy from './data/needs-taxonomy.json' with { type: 'json' };
import type { AccessRoute, BankHolidayRule, OrganisationRecord, Schedule, ServiceRecord, ServiceStatus } from './model.ts';
import { insertServiceRecordsBulk, optimizeSearchIndex, type PostcodeRow, serviceExists, upsertOrganisation, upsertOutcodeCentroids, upsertPostcodes, upsertServiceRecord, vacuumDirectoryTables } from './store.ts';

/** A UUID made from a stable key (SHA-1, shaped like a version 5 UUID), so seeded ids never change. */
export function fixedId(key: string): string {
  const h = createHash('sha1').update(`mutual-directory-demo:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** mulberry32: a small seeded generator, so the demo is the same every time. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(key: string): number {
  return Number.parseInt(createHash('sha1').update(key).digest('hex').slice(0, 8), 16);
}

const TERM = new Map(needsTaxonomy.terms.map((t) => [t.code, t.id]));

interface Area {
  key: string;
  name: string;
  outcode: string;
  lat: number;
  lng: number;
  borough: 'Lambeth' | 'Southwark';
  streets: string[];
}

export const DEMO_AREAS: Area[] = [
  { key: 'brixton', name: 'Brixton', outcode: 'SW9', lat: 51.4622, lng: -0.1145, borough: 'Lambeth', streets: ['Coldharbour Lane', 'Brixton Hill', 'Acre Lane', 'Atlantic Road'] },
  { key: 'stockwell', name: 'Stockwell', outcode: 'SW8', lat: 51.4725, lng: -0.1235, borough: 'Lambeth', streets: ['Stockwell Road', 'South Lambeth Road', 'Clapham Road'] },
  { key: 'clapham', name: 'Clapham', outcode: 'SW4', lat: 51.4618, lng: -0.1382, borough: 'Lambeth', streets: ['Clapham High Street', 'Clapham Park Road', 'Venn Street'] },
  { key: 'peckham', name: 'Peckham', outcode: 'SE15', lat: 51.4741, lng: -0.0691, borough: 'Southwark', streets: ['Rye Lane', 'Peckham High Street', 'Bellenden Road'] },
  { key: 'camberwell', name: 'Camberwell', outcode: 'SE5', lat: 51.4739, lng: -0.0926, borough: 'Southwark', streets: ['Denmark Hill', 'Camberwell Church Street', 'Camberwell Road'] },
  { key: 'streatham', name: 'Streatham', outcode: 'SW16', lat: 51.4284, lng: -0.1312, borough: 'Lambeth', streets: ['Streatham High Road', 'Mitcham Lane', 'Leigham Court Road'] },
  { key: 'vauxhall', name: 'Vauxhall', outcode: 'SE11', lat: 51.4857, lng: -0.1232, borough: 'Lambeth', streets: ['Kennington Lane', 'Wandsworth Road', 'Harleyford Road'] },
  { key: 'kennington', name: 'Kennington', outcode: 'SE11', lat: 51.4885, lng: -0.1058, borough: 'Lambeth', streets: ['Kennington Road', 'Kennington Park Road', 'Cleaver Square'] },
  { key: 'herne-hill', name: 'Herne Hill', outcode: 'SE24', lat: 51.4534, lng: -0.1021, borough: 'Lambeth', streets: ['Railton Road', 'Half Moon Lane', 'Norwood Road'] },
  { key: 'norwood', name: 'West Norwood', outcode: 'SE27', lat: 51.4318, lng: -0.1036, borough: 'Lambeth', streets: ['Norwood Road', 'Knights Hill', 'Norwood High Street'] },
  { key: 'tulse-hill', name: 'Tulse Hill', outcode: 'SW2', lat: 51.4412, lng: -0.1133, borough: 'Lambeth', streets: ['Tulse Hill', 'Upper Tulse Hill', 'Brixton Water Lane'] },
  { key: 'walworth', name: 'Walworth', outcode: 'SE17', lat: 51.4880, lng: -0.0925, borough: 'Southwark', streets: ['Walworth Road', 'East Street', 'Borough Road'] },
];
const AREA = new Map(DEMO_AREAS.map((a) => [a.key, a]));

/** The postcode the headline search uses, in Brixton. */
export const DEMO_POSTCODE = { postcode: 'SW9 9SL', latitude: 51.4631, longitude: -0.1131 };

interface OrgSpec {
  key: string;
  name: string;
  description: string;
  website?: string;
}

const ORGS: OrgSpec[] = [
  { key: 'trust', name: 'Thameside NHS Foundation Trust', description: 'NHS mental health services for Lambeth and Southwark.' },
  { key: 'lambeth', name: 'Lambeth Borough Council', description: 'Council services for residents of Lambeth.' },
  { key: 'southwark', name: 'Southwark Borough Council', description: 'Council services for residents of Southwark.' },
  { key: 'wellbeing-collective', name: 'Brixton Wellbeing Collective', description: 'A community mental health charity run with and for local people.' },
  { key: 'sanctuary-trust', name: 'South London Sanctuary Trust', description: 'Evening and night-time places of safety and crisis cafés.' },
  { key: 'peer-network', name: 'Living Well Peer Network', description: 'Peer support groups led by people with lived experience.' },
  { key: 'barbertalk', name: 'Chair Talk Barbers Network', description: 'Barbers and hairdressers trained to listen and signpost.' },
  { key: 'youth', name: 'Southside Youth Trust', description: 'Youth clubs, mentoring and counselling for 11 to 25 year olds.' },
  { key: 'advice', name: 'South London Advice Centre', description: 'Free, independent advice on debt, benefits, housing and work.' },
  { key: 'bereavement', name: 'Beside You Bereavement Care', description: 'Support after someone dies, for adults and children.' },
  { key: 'university', name: 'South Bank Metropolitan University', description: 'A university in Elephant and Castle.' },
  { key: 'college', name: 'Lambeth Further Education College', description: 'A further education college in Brixton and Clapham.' },
  { key: 'portuguese', name: 'Associação Lusófona de Stockwell', description: 'A community association for Portuguese-speaking people in Stockwell.' },
  { key: 'latin', name: 'Casa Latina Sur de Londres', description: 'Support for Spanish and Portuguese-speaking Latin American communities.' },
  { key: 'polish', name: 'Polish Community Link South London', description: 'Advice and wellbeing support in Polish.' },
  { key: 'somali', name: 'Somali Families Wellbeing Association', description: 'Wellbeing and family support for Somali communities.' },
  { key: 'african', name: 'African and Caribbean Wellbeing Forum', description: 'Culturally specific mental health support led by Black communities.' },
  { key: 'bengali', name: 'Bangla Women Together', description: 'A Bengali women’s group offering friendship and advice.' },
  { key: 'lgbtq', name: 'Rainbow South London', description: 'Groups and support for LGBTQ+ people.' },
  { key: 'recovery', name: 'Southside Recovery Service', description: 'Support with alcohol and drugs, free and confidential.' },
  { key: 'carers', name: 'Carers Hub Lambeth and Southwark', description: 'Support for unpaid carers.' },
  { key: 'green', name: 'Green Minds Community Gardens', description: 'Gardening, walking and outdoor activity for wellbeing.' },
  { key: 'arts', name: 'Open Studio Arts for Wellbeing', description: 'Creative groups for people who want to feel better.' },
  { key: 'foodbank', name: 'South London Community Pantry', description: 'Food, fuel and money support without judgement.' },
  { key: 'helpline', name: 'Nightlight Listening Line', description: 'A free, confidential listening line, open day and night.' },
];

type Hours = Schedule[];
function session(byday: string, opensAt: string, closesAt: string, extra: Partial<Schedule> = {}): Schedule {
  return { id: '', freq: 'WEEKLY', byday, opensAt, closesAt, ...extra, description: extra.description ?? null };
}
const WEEKDAYS = 'MO,TU,WE,TH,FR';
const EVERY_DAY = 'MO,TU,WE,TH,FR,SA,SU';

interface Template {
  key: string;
  /** `{area}` is replaced by the area's name. */
  name: string;
  org: string;
  description: string;
  needs: string[];
  hours: Hours;
  access: AccessRoute[];
  areas: string[];
  languages?: [string, string][];
  minAge?: number;
  maxAge?: number;
  fees?: string;
  cost?: number;
  remote?: boolean;
  bankHolidays?: BankHolidayRule;
  capacity?: { available: number; maximum: number; unit: string };
  eligibility?: string;
  waitTime?: string;
  applicationProcess?: string;
  accessibility?: string;
  /** Area keys where the instance is temporarily closed / not taking referrals / no longer running. */
  closedIn?: string[];
  notAcceptingIn?: string[];
  inactiveIn?: string[];
}

const EN: [string, string] = ['English', 'en'];

const TEMPLATES: Template[] = [
  {
    key: 'sanctuary',
    name: 'Brixton Evening Sanctuary',
    org: 'sanctuary-trust',
    description:
      'A calm, safe place to go in the evening when you are feeling low, anxious or in crisis. Talk to a trained support worker, have something to eat and make a plan for the night. No referral or appointment needed.',
    needs: ['crisis-support', 'feeling-low', 'anxiety', 'suicidal-thoughts', 'loneliness'],
    hours: [session(EVERY_DAY, '18:00', '00:00')],
    access: ['self-referral', 'via-front-door', 'mutual-referral'],
    areas: ['brixton'],
    languages: [EN, ['Portuguese', 'pt'], ['Spanish', 'es']],
    minAge: 18,
    bankHolidays: 'as-usual',
    capacity: { available: 4, maximum: 10, unit: 'places' },
    eligibility: 'Adults 18 and over in Lambeth and Southwark who are struggling to cope.',
    applicationProcess: 'Walk in, call ahead, or ask any practitioner or champion to refer you through Mutual.',
    accessibility: 'Step-free entrance, accessible toilet and a quiet room.',
  },
  {
    key: 'crisis-cafe',
    name: '{area} Crisis Café',
    org: 'sanctuary-trust',
    description:
      'An evening crisis café where you can drop in and talk to peer workers and mental health staff when things feel too much. Hot drinks, a quiet space and help to stay safe.',
    needs: ['crisis-support', 'feeling-low', 'self-harm', 'suicidal-thoughts', 'anxiety'],
    hours: [session('TH,FR,SA,SU,MO', '17:00', '23:00')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['peckham', 'streatham'],
    languages: [EN, ['Twi', 'tw'], ['Yoruba', 'yo']],
    minAge: 16,
    bankHolidays: 'as-usual',
    capacity: { available: 6, maximum: 12, unit: 'places' },
  },
  {
    key: 'crisis-line',
    name: 'Nightlight 24/7 Crisis Line',
    org: 'helpline',
    description: 'Call any time, day or night, to talk to a trained listener if you are struggling, feeling suicidal or worried about someone. Free from mobiles and landlines.',
    needs: ['crisis-support', 'suicidal-thoughts', 'self-harm', 'feeling-low', 'loneliness'],
    hours: [session(EVERY_DAY, '00:00', '24:00', { description: 'Open 24 hours, every day of the year' })],
    access: ['self-referral'],
    areas: ['brixton'],
    remote: true,
    bankHolidays: 'as-usual',
    languages: [EN, ['Polish', 'pl'], ['Bengali', 'bn']],
  },
  {
    key: 'talking-therapies',
    name: 'Talking Therapies {area}',
    org: 'trust',
    description:
      'Free NHS talking therapies for feeling low, anxiety, worry, panic and stress: guided self-help, cognitive behavioural therapy and counselling, in person, by phone or video.',
    needs: ['feeling-low', 'anxiety', 'sleep', 'trauma'],
    hours: [session(WEEKDAYS, '09:00', '17:00')],
    access: ['self-referral', 'professional-referral', 'mutual-referral'],
    areas: ['brixton', 'clapham', 'streatham', 'peckham', 'camberwell'],
    languages: [EN, ['Portuguese', 'pt'], ['Polish', 'pl'], ['Somali', 'so']],
    minAge: 18,
    waitTime: 'About 4 weeks for a first appointment',
    applicationProcess: 'Refer yourself online or by phone, or ask your GP.',
    notAcceptingIn: ['streatham'],
  },
  {
    key: 'late-therapies',
    name: 'Camberwell Late Talking Therapies',
    org: 'trust',
    description: 'Evening appointments for talking therapies, for people who work or study in the day. Help with feeling low, anxiety and stress.',
    needs: ['feeling-low', 'anxiety'],
    hours: [session(WEEKDAYS, '17:00', '21:00')],
    access: ['self-referral', 'professional-referral'],
    areas: ['camberwell'],
    minAge: 18,
    bankHolidays: 'closed',
  },
  {
    key: 'peer-group',
    name: '{area} Saturday Peer Support Group',
    org: 'peer-network',
    description: 'A friendly Saturday morning group where people with lived experience of mental ill health support each other. Come as you are; tea and biscuits provided.',
    needs: ['peer-support', 'feeling-low', 'loneliness', 'anxiety'],
    hours: [session('SA', '10:00', '12:30')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['brixton', 'stockwell', 'clapham', 'peckham', 'camberwell', 'streatham', 'kennington', 'norwood', 'herne-hill'],
    minAge: 18,
  },
  {
    key: 'portuguese-group',
    name: 'Grupo de Apoio em Português',
    org: 'portuguese',
    description: 'A Portuguese-speaking peer support group in Stockwell for people feeling low, isolated or under stress. Families welcome.',
    needs: ['peer-support', 'feeling-low', 'loneliness', 'racism-and-discrimination'],
    hours: [session('SA', '14:00', '16:30'), session('WE', '18:30', '20:30')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['stockwell'],
    languages: [['Portuguese', 'pt'], EN],
  },
  {
    key: 'latin-wellbeing',
    name: 'Bienestar Latino Wellbeing Drop-in',
    org: 'latin',
    description: 'Wellbeing drop-in in Spanish and Portuguese with advice on money, housing and work, and someone to talk to.',
    needs: ['feeling-low', 'money-and-debt', 'housing', 'work-and-benefits'],
    hours: [session('TU,TH', '10:00', '15:00')],
    access: ['self-referral'],
    areas: ['walworth'],
    languages: [['Spanish', 'es'], ['Portuguese', 'pt'], EN],
  },
  {
    key: 'polish-support',
    name: 'Wsparcie Psychiczne – Polish Wellbeing Service',
    org: 'polish',
    description: 'Counselling and advice in Polish for people feeling low or anxious, and help with work and benefits.',
    needs: ['feeling-low', 'anxiety', 'work-and-benefits'],
    hours: [session('MO,WE', '10:00', '16:00'), session('TH', '16:00', '20:00')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['clapham'],
    languages: [['Polish', 'pl'], EN],
  },
  {
    key: 'somali-circle',
    name: 'Somali Women’s Wellbeing Circle',
    org: 'somali',
    description: 'A weekly circle for Somali women to share, learn about wellbeing and get support with family life, in Somali and English.',
    needs: ['peer-support', 'feeling-low', 'caring-for-someone', 'racism-and-discrimination'],
    hours: [session('MO', '11:00', '13:30')],
    access: ['self-referral'],
    areas: ['camberwell'],
    languages: [['Somali', 'so'], EN],
  },
  {
    key: 'african-forum',
    name: 'Black Minds Matter Friday Forum',
    org: 'african',
    description: 'A culturally safe space for Black people to talk about mental health, racism and wellbeing, led by African and Caribbean peer workers.',
    needs: ['racism-and-discrimination', 'peer-support', 'feeling-low', 'trauma'],
    hours: [session('FR', '17:00', '20:00')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['brixton', 'peckham'],
    languages: [EN, ['Yoruba', 'yo'], ['Twi', 'tw']],
  },
  {
    key: 'twi-group',
    name: 'Akwaaba Sunday Wellbeing Group',
    org: 'african',
    description: 'A Sunday afternoon group for Ghanaian families, in Twi and English: company, food and support with stress, grief and worry.',
    needs: ['peer-support', 'loneliness', 'bereavement', 'feeling-low'],
    hours: [session('SU', '14:00', '17:00')],
    access: ['self-referral'],
    areas: ['peckham'],
    languages: [['Twi', 'tw'], EN],
  },
  {
    key: 'bengali-group',
    name: 'Bangla Women Together Coffee Morning',
    org: 'bengali',
    description: 'A friendly coffee morning for Bengali women, with advice on money and housing and someone to talk to, in Bengali and English.',
    needs: ['loneliness', 'peer-support', 'money-and-debt'],
    hours: [session('TH', '10:00', '12:30')],
    access: ['self-referral'],
    areas: ['kennington'],
    languages: [['Bengali', 'bn'], EN],
  },
  {
    key: 'barber',
    name: '{area} Barbers – Chair Talk champion',
    org: 'barbertalk',
    description:
      'A barbershop where the barbers have done Chair Talk mental health training: they will listen, and help you find support if you want it. Just come in for a cut and a chat.',
    needs: ['peer-support', 'feeling-low', 'loneliness', 'racism-and-discrimination'],
    hours: [session('TU,WE,TH,FR,SA', '09:00', '19:00'), session('SU', '10:00', '16:00')],
    access: ['self-referral'],
    areas: ['brixton', 'stockwell', 'clapham', 'peckham', 'camberwell', 'streatham', 'vauxhall', 'kennington', 'herne-hill', 'norwood', 'tulse-hill', 'walworth'],
    fees: 'Haircuts are paid for; the conversation and signposting are free.',
    cost: 15,
  },
  {
    key: 'salon',
    name: '{area} Hair Studio – Chair Talk champion',
    org: 'barbertalk',
    description: 'A hair salon whose stylists are trained Chair Talk champions: a safe place to talk while you are in the chair, and help to find support.',
    needs: ['peer-support', 'loneliness', 'feeling-low'],
    hours: [session('TU,WE,TH,FR', '10:00', '18:00'), session('SA', '09:00', '17:00')],
    access: ['self-referral'],
    areas: ['brixton', 'peckham', 'streatham', 'camberwell'],
    fees: 'Hair services are paid for; the conversation is free.',
    cost: 25,
  },
  {
    key: 'uni-wellbeing',
    name: 'South Bank Metropolitan Student Wellbeing',
    org: 'university',
    description: 'Wellbeing advice, counselling and mental health support for students of the university, with same-day drop-in appointments.',
    needs: ['students', 'feeling-low', 'anxiety', 'sleep'],
    hours: [session(WEEKDAYS, '09:00', '17:00')],
    access: ['self-referral'],
    areas: ['walworth'],
    minAge: 17,
    eligibility: 'Students registered at the university.',
    bankHolidays: 'closed',
  },
  {
    key: 'college-wellbeing',
    name: 'Lambeth College Student Support',
    org: 'college',
    description: 'Counselling and wellbeing support for college students aged 16 and over.',
    needs: ['students', 'young-people', 'anxiety', 'feeling-low'],
    hours: [session('MO,TU,WE,TH', '09:30', '16:30')],
    access: ['self-referral'],
    areas: ['brixton', 'clapham'],
    minAge: 16,
    bankHolidays: 'closed',
  },
  {
    key: 'youth-hub',
    name: '{area} Youth Hub',
    org: 'youth',
    description: 'After-school youth club with mentors, sport, music and a youth worker you can talk to about anything. Free for young people aged 11 to 19.',
    needs: ['young-people', 'physical-activity', 'creative-activities', 'loneliness'],
    hours: [session(WEEKDAYS, '15:30', '20:00'), session('SA', '12:00', '17:00')],
    access: ['self-referral'],
    areas: ['brixton', 'stockwell', 'peckham', 'camberwell', 'streatham', 'norwood', 'walworth'],
    minAge: 11,
    maxAge: 19,
  },
  {
    key: 'youth-counselling',
    name: '{area} Youth Counselling',
    org: 'youth',
    description: 'Free, confidential counselling for young people aged 11 to 25 who are feeling low, anxious, self-harming or dealing with difficult things at home or school.',
    needs: ['young-people', 'feeling-low', 'anxiety', 'self-harm'],
    hours: [session('MO,TU,WE,TH', '12:00', '20:00')],
    access: ['self-referral', 'professional-referral', 'mutual-referral'],
    areas: ['brixton', 'peckham', 'clapham'],
    minAge: 11,
    maxAge: 25,
    waitTime: 'About 3 weeks',
    notAcceptingIn: ['peckham'],
  },
  {
    key: 'debt-advice',
    name: 'Debt and Money Advice {area}',
    org: 'advice',
    description: 'Free, confidential advice on debt, budgeting, bailiffs and priority bills. Bring any letters you have.',
    needs: ['money-and-debt', 'work-and-benefits'],
    hours: [session('MO,TU,TH', '09:30', '13:00'), session('WE', '14:00', '18:00')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['brixton', 'stockwell', 'peckham', 'camberwell', 'streatham', 'kennington', 'norwood'],
    inactiveIn: ['norwood'],
  },
  {
    key: 'housing-advice',
    name: 'Housing Advice {area}',
    org: 'advice',
    description: 'Advice if you are homeless, at risk of eviction, or have problems with your landlord or repairs.',
    needs: ['housing', 'money-and-debt'],
    hours: [session('MO,WE,FR', '10:00', '16:00')],
    access: ['self-referral', 'via-front-door'],
    areas: ['brixton', 'peckham', 'vauxhall', 'walworth'],
  },
  {
    key: 'benefits-advice',
    name: 'Benefits and Work Advice {area}',
    org: 'advice',
    description: 'Help with benefit claims, assessments and appeals, and support to find or stay in work.',
    needs: ['work-and-benefits', 'money-and-debt'],
    hours: [session('TU,TH', '09:30', '16:30')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['clapham', 'camberwell', 'streatham', 'kennington'],
  },
  {
    key: 'council-housing',
    name: '{area} Council Housing Options',
    org: 'lambeth',
    description: 'The council’s housing options service: help if you are homeless or about to lose your home.',
    needs: ['housing'],
    hours: [session(WEEKDAYS, '09:00', '17:00')],
    access: ['self-referral', 'professional-referral'],
    areas: ['brixton'],
    bankHolidays: 'closed',
  },
  {
    key: 'bereavement-group',
    name: '{area} Bereavement Support Evening',
    org: 'bereavement',
    description: 'A monthly evening group for adults who have been bereaved, on the first Wednesday of the month. Share, listen or just be with others who understand.',
    needs: ['bereavement', 'loneliness'],
    hours: [{ id: '', freq: 'MONTHLY', byday: '1WE', opensAt: '18:30', closesAt: '20:30', description: 'First Wednesday of the month' }],
    access: ['self-referral', 'mutual-referral'],
    areas: ['clapham', 'camberwell'],
    minAge: 18,
  },
  {
    key: 'suicide-bereavement',
    name: 'After Suicide Support Group',
    org: 'bereavement',
    description: 'A group for people bereaved or affected by suicide, on the last Thursday of the month.',
    needs: ['bereavement', 'suicidal-thoughts'],
    hours: [{ id: '', freq: 'MONTHLY', byday: '-1TH', opensAt: '19:00', closesAt: '21:00', description: 'Last Thursday of the month' }],
    access: ['self-referral', 'professional-referral'],
    areas: ['kennington'],
    minAge: 18,
  },
  {
    key: 'bereavement-line',
    name: 'Beside You Bereavement Helpline',
    org: 'bereavement',
    description: 'A helpline for anyone who has been bereaved, and for parents supporting a grieving child.',
    needs: ['bereavement', 'caring-for-someone'],
    hours: [session(WEEKDAYS, '10:00', '16:00')],
    access: ['self-referral'],
    areas: ['brixton'],
    remote: true,
  },
  {
    key: 'carers',
    name: 'Carers Hub {area}',
    org: 'carers',
    description: 'Advice, breaks and peer support for unpaid carers, including people caring for someone with mental ill health.',
    needs: ['caring-for-someone', 'peer-support'],
    hours: [session('TU,WE,TH', '10:00', '16:00')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['brixton', 'peckham', 'streatham'],
  },
  {
    key: 'lgbtq-group',
    name: 'Rainbow Friday Social {area}',
    org: 'lgbtq',
    description: 'A relaxed Friday evening social and peer support group for LGBTQ+ adults. Alcohol-free.',
    needs: ['lgbtq', 'peer-support', 'loneliness'],
    hours: [session('FR', '19:00', '21:30')],
    access: ['self-referral'],
    areas: ['vauxhall', 'clapham'],
    minAge: 18,
  },
  {
    key: 'lgbtq-youth',
    name: 'Rainbow Youth Group',
    org: 'lgbtq',
    description: 'A weekly group for LGBTQ+ young people aged 13 to 21, with youth workers.',
    needs: ['lgbtq', 'young-people', 'peer-support'],
    hours: [session('TU', '17:30', '19:30')],
    access: ['self-referral', 'professional-referral'],
    areas: ['kennington'],
    minAge: 13,
    maxAge: 21,
  },
  {
    key: 'recovery',
    name: 'Southside Recovery Drop-in {area}',
    org: 'recovery',
    description: 'Free, confidential support if you are worried about your drinking or drug use, including needle exchange and recovery groups.',
    needs: ['alcohol-and-drugs'],
    hours: [session(WEEKDAYS, '10:00', '16:00'), session('TH', '16:00', '19:00')],
    access: ['self-referral', 'professional-referral', 'mutual-referral'],
    areas: ['brixton', 'peckham', 'vauxhall'],
    minAge: 18,
  },
  {
    key: 'eating',
    name: 'Community Eating Disorders Service',
    org: 'trust',
    description: 'Specialist NHS assessment and treatment for eating disorders, for adults. Needs a referral from your GP or another professional.',
    needs: ['eating-difficulties'],
    hours: [session(WEEKDAYS, '09:00', '17:00')],
    access: ['professional-referral'],
    areas: ['camberwell'],
    minAge: 18,
    bankHolidays: 'closed',
    waitTime: 'Urgent referrals within 1 week; routine within 4 weeks',
  },
  {
    key: 'early-intervention',
    name: 'Early Intervention in Psychosis Team',
    org: 'trust',
    description: 'NHS team for people aged 14 to 65 experiencing a first episode of psychosis, and their families.',
    needs: ['psychosis', 'caring-for-someone'],
    hours: [session(WEEKDAYS, '09:00', '17:00')],
    access: ['professional-referral', 'via-front-door'],
    areas: ['brixton'],
    minAge: 14,
    maxAge: 65,
    bankHolidays: 'closed',
  },
  {
    key: 'trauma',
    name: 'Trauma Recovery Service {area}',
    org: 'trust',
    description: 'Therapy for people living with the effects of trauma, violence or abuse, including refugees and asylum seekers.',
    needs: ['trauma', 'anxiety'],
    hours: [session('MO,TU,WE,TH', '09:00', '17:00')],
    access: ['professional-referral', 'via-front-door', 'mutual-referral'],
    areas: ['stockwell', 'peckham'],
    minAge: 18,
    languages: [EN, ['Somali', 'so'], ['Spanish', 'es']],
    bankHolidays: 'closed',
  },
  {
    key: 'sleep',
    name: 'Better Sleep Workshop',
    org: 'wellbeing-collective',
    description: 'A fortnightly workshop on sleeping better: routines, worry and rest.',
    needs: ['sleep', 'anxiety'],
    hours: [{ id: '', freq: 'WEEKLY', interval: 2, byday: 'TU', dtstart: '2026-01-06', opensAt: '18:00', closesAt: '19:30', description: 'Every other Tuesday' }],
    access: ['self-referral'],
    areas: ['brixton'],
    minAge: 18,
  },
  {
    key: 'walking',
    name: '{area} Wellbeing Walk',
    org: 'green',
    description: 'A gentle guided walk in the park with a friendly group, followed by tea. All abilities welcome.',
    needs: ['physical-activity', 'loneliness'],
    hours: [session('SU', '10:00', '11:30')],
    access: ['self-referral'],
    areas: ['brixton', 'clapham', 'peckham', 'camberwell', 'streatham', 'norwood', 'herne-hill', 'kennington'],
    closedIn: ['norwood'],
  },
  {
    key: 'garden',
    name: '{area} Community Garden',
    org: 'green',
    description: 'Grow food and flowers with others in a community garden: good for body and mind. Tools and gloves provided.',
    needs: ['physical-activity', 'creative-activities', 'loneliness'],
    hours: [session('WE,SA', '10:00', '14:00')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['stockwell', 'peckham', 'tulse-hill'],
  },
  {
    key: 'arts',
    name: 'Open Studio {area}',
    org: 'arts',
    description: 'Art, music and creative writing sessions for adults who want to feel better. No experience needed.',
    needs: ['creative-activities', 'feeling-low', 'loneliness'],
    hours: [session('TU,TH', '13:00', '16:00')],
    access: ['self-referral', 'mutual-referral'],
    areas: ['brixton', 'camberwell', 'peckham', 'clapham', 'vauxhall', 'walworth'],
    closedIn: ['walworth'],
  },
  {
    key: 'befriending',
    name: '{area} Befriending Service',
    org: 'wellbeing-collective',
    description: 'A trained volunteer befriender visits or calls you every week, if you are feeling lonely or isolated.',
    needs: ['loneliness', 'feeling-low'],
    hours: [session(WEEKDAYS, '10:00', '16:00')],
    access: ['self-referral', 'professional-referral', 'mutual-referral'],
    areas: ['brixton', 'streatham', 'peckham', 'clapham', 'norwood'],
  },
  {
    key: 'pantry',
    name: '{area} Community Pantry',
    org: 'foodbank',
    description: 'Low-cost food shop and free advice on fuel bills and money, with a warm space and a hot drink.',
    needs: ['money-and-debt'],
    hours: [session('MO,WE,FR', '11:00', '15:00'), session('SA', '10:00', '13:00')],
    access: ['self-referral'],
    areas: ['brixton', 'peckham', 'walworth', 'streatham'],
    fees: '£4.50 a visit for about £20 of shopping',
    cost: 4.5,
  },
  {
    key: 'mens-group',
    name: '{area} Men’s Talking Shed',
    org: 'wellbeing-collective',
    description: 'Men getting together to make, mend and talk. Shoulder to shoulder, no pressure.',
    needs: ['peer-support', 'loneliness', 'feeling-low'],
    hours: [session('WE', '17:00', '20:00')],
    access: ['self-referral'],
    areas: ['camberwell', 'streatham'],
    minAge: 18,
  },
  {
    key: 'self-harm-youth',
    name: 'Safe Space Self-Harm Support for Young People',
    org: 'youth',
    description: 'One-to-one and group support for young people aged 13 to 25 who self-harm, and advice for parents.',
    needs: ['self-harm', 'young-people'],
    hours: [session('MO,WE', '16:00', '20:00')],
    access: ['self-referral', 'professional-referral', 'mutual-referral'],
    areas: ['brixton'],
    minAge: 13,
    maxAge: 25,
  },
  {
    key: 'text-line',
    name: 'Nightlight Text Support',
    org: 'helpline',
    description: 'Text support in the evening and through the night for anyone who is struggling, self-harming or thinking about suicide.',
    needs: ['crisis-support', 'self-harm', 'suicidal-thoughts'],
    hours: [session(EVERY_DAY, '19:00', '07:00')],
    access: ['self-referral'],
    areas: ['brixton'],
    remote: true,
    bankHolidays: 'as-usual',
  },
  {
    key: 'crisis-house',
    name: 'Coldharbour Crisis House',
    org: 'trust',
    description: 'A short stay (up to 7 nights) in a homely crisis house, as an alternative to hospital, with 24-hour staff.',
    needs: ['crisis-support', 'suicidal-thoughts'],
    hours: [session(EVERY_DAY, '00:00', '24:00')],
    access: ['professional-referral', 'via-front-door'],
    areas: ['brixton'],
    minAge: 18,
    bankHolidays: 'as-usual',
    capacity: { available: 2, maximum: 6, unit: 'beds' },
    notAcceptingIn: [],
  },
  {
    key: 'home-treatment',
    name: 'Home Treatment Team',
    org: 'trust',
    description: 'Intensive support at home, day and night, for adults in a mental health crisis, as an alternative to hospital. Referral by a professional or through the front door.',
    needs: ['crisis-support', 'psychosis'],
    hours: [session(EVERY_DAY, '00:00', '24:00')],
    access: ['professional-referral', 'via-front-door'],
    areas: ['kennington'],
    minAge: 18,
    bankHolidays: 'as-usual',
    capacity: { available: 3, maximum: 25, unit: 'people' },
  },
  {
    key: 'cmht',
    name: '{area} Community Mental Health Team',
    org: 'trust',
    description: 'NHS community mental health team for adults with longer-term or complex needs, working with GPs and local groups.',
    needs: ['psychosis', 'feeling-low', 'trauma'],
    hours: [session(WEEKDAYS, '09:00', '17:00')],
    access: ['professional-referral', 'via-front-door'],
    areas: ['brixton', 'peckham'],
    minAge: 18,
    bankHolidays: 'closed',
    notAcceptingIn: ['peckham'],
  },
  {
    key: 'online-counselling',
    name: 'Open Door Online Counselling for Young People',
    org: 'youth',
    description: 'Free, anonymous online chat with counsellors for young people aged 11 to 25, every evening.',
    needs: ['young-people', 'feeling-low', 'anxiety', 'self-harm'],
    hours: [session(WEEKDAYS, '12:00', '22:00'), session('SA,SU', '18:00', '22:00')],
    access: ['self-referral'],
    areas: ['brixton'],
    remote: true,
    minAge: 11,
    maxAge: 25,
  },
];

const PLACES = ['Community Centre', 'Library', 'Church Hall', 'Health Centre', 'Neighbourhood Hub', 'Youth Centre', 'Methodist Hall', 'Community Rooms'];

function organisationRecord(spec: OrgSpec, links: Record<string, string>): OrganisationRecord {
  return {
    id: fixedId(`org:${spec.key}`),
    name: spec.name,
    description: spec.description,
    website: `https://${spec.key}.example.org`,
    email: `hello@${spec.key}.example.org`,
    platformOrganisationId: links[spec.key] ?? null,
  };
}

interface Built {
  records: ServiceRecord[];
  postcodes: PostcodeRow[];
}

/** Builds the demo directory (pure and deterministic): services and the postcodes their addresses need. */
export function buildDemoDirectory(now: Date, links: Record<string, string> = {}): Built {
  const orgs = new Map(ORGS.map((o) => [o.key, organisationRecord(o, links)]));
  const records: ServiceRecord[] = [];
  const postcodes = new Map<string, PostcodeRow>([[DEMO_POSTCODE.postcode, DEMO_POSTCODE]]);
  const today = DateTime.fromJSDate(now, { zone: 'Europe/London' }).startOf('day');
  for (const t of TEMPLATES) {
    for (const areaKey of t.areas) {
      const area = AREA.get(areaKey)!;
      const key = `${t.key}:${areaKey}`;
      const rand = generator(seedOf(key));
      const id = fixedId(`service:${key}`);
      const name = t.name.replace('{area}', area.name);
      // A postcode in the area's outcode, a short walk from its centre.
      const incode = `${1 + Math.floor(rand() * 9)}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(rand() * 20)]}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(rand() * 20)]}`;
      const postcode = `${area.outcode} ${incode}`;
      const latitude = Math.round((area.lat + (rand() - 0.5) * 0.012) * 1e6) / 1e6;
      const longitude = Math.round((area.lng + (rand() - 0.5) * 0.018) * 1e6) / 1e6;
      // Reviewed between 1 and 8 months ago: a few are due a review.
      const assuredDate = today.minus({ days: 20 + Math.floor(rand() * 225) }).toISODate()!;
      const phone = `020 7946 ${String(Math.floor(rand() * 10000)).padStart(4, '0')}`;
      const place = PLACES[Math.floor(rand() * PLACES.length)]!;
      const street = `${1 + Math.floor(rand() * 180)} ${area.streets[Math.floor(rand() * area.streets.length)]}`;
      const serviceAtLocations = t.remote
        ? []
        : [
            {
              id: fixedId(`sal:${key}`),
              location: {
                id: fixedId(`location:${key}`),
                locationType: 'physical' as const,
                name: t.key === 'barber' || t.key === 'salon' ? name.split(' – ')[0]! : `${area.name} ${place}`,
                latitude,
                longitude,
                transportation: `Buses stop nearby; ${area.name} station is a short walk.`,
                addresses: [
                  {
                    id: fixedId(`address:${key}`),
                    address1: street,
                    city: 'London',
                    stateProvince: 'Greater London',
                    postalCode: postcode,
                    country: 'GB',
                    addressType: 'physical' as const,
                  },
                ],
                accessibility: [{ id: fixedId(`access:${key}`), description: t.accessibility ?? (rand() < 0.7 ? 'Step-free access.' : 'Two steps at the entrance; call ahead for help.') }],
              },
            },
          ];
      if (!t.remote) postcodes.set(postcode, { postcode, latitude, longitude });
      const status: ServiceStatus = t.closedIn?.includes(areaKey) ? 'temporarily closed' : t.inactiveIn?.includes(areaKey) ? 'inactive' : 'active';
      const languages = (t.languages ?? [EN]).map(([langName, code], i) => ({ id: fixedId(`language:${key}:${i}`), name: langName, code }));
      records.push({
        id,
        organisation: orgs.get(t.org)!,
        name,
        description: t.description,
        url: `https://${t.org}.example.org/services/${t.key}`,
        email: `${t.key}@${t.org}.example.org`,
        status,
        feesDescription: t.fees ?? 'Free',
        waitTime: t.waitTime ?? null,
        applicationProcess: t.applicationProcess ?? null,
        eligibilityDescription: t.eligibility ?? null,
        minimumAge: t.minAge ?? null,
        maximumAge: t.maxAge ?? null,
        alert: status === 'temporarily closed' ? 'Temporarily closed while we look for a new venue.' : null,
        assuredDate,
        lastModified: today.minus({ days: 10 }).toUTC().toISO()!,
        howToAccess: t.access,
        acceptingNewReferrals: !t.notAcceptingIn?.includes(areaKey),
        bankHolidays: t.bankHolidays ?? 'sunday-hours',
        schedules: t.hours.map((s, i) => ({ ...s, id: fixedId(`schedule:${key}:${i}`) })),
        serviceAtLocations,
        phones: [{ id: fixedId(`phone:${key}`), number: t.key === 'crisis-line' ? '0800 689 0000' : phone }],
        contacts: [],
        languages,
        serviceAreas: [{ id: fixedId(`area:${key}`), name: t.remote ? 'Lambeth and Southwark' : area.borough }],
        costOptions: t.cost ? [{ id: fixedId(`cost:${key}`), option: 'Standard', amount: t.cost, currency: 'GBP', amountDescription: t.fees ?? null }] : [],
        funding: [],
        attributes: t.needs.map((code, i) => ({ id: fixedId(`attribute:${key}:${i}`), taxonomyTermId: TERM.get(code)!, linkType: 'need' })),
        capacity: t.capacity
          ? [{ id: fixedId(`capacity:${key}`), available: t.capacity.available, maximum: t.capacity.maximum, unit: t.capacity.unit, updated: today.minus({ hours: 3 }).toUTC().toISO()! }]
          : [],
      });
    }
  }
  return { records, postcodes: [...postcodes.values()] };
}

/** Which demo directory organisations the alliance's demo organisations maintain (directory org key → platform organisation id). */
export interface DirectoryDemoLinks {
  organisations?: Record<string, string>;
}

/** Seeds the demo directory (idempotent). Returns how many services were created or updated. */
export async function seedDirectoryDemo(platform: Platform, demo: DirectoryDemoLinks = {}): Promise<{ services: number; changed: number; postcodes: number }> {
  const now = platform.clock.now();
  const { records, postcodes } = buildDemoDirectory(now, demo.organisations ?? {});
  const changed = await platform.db.write(async (tx) => {
    await upsertPostcodes(tx, postcodes);
    await upsertOutcodeCentroids(tx, undefined, [...new Set(postcodes.map((p) => p.postcode.split(' ')[0]!))]);
    for (const org of ORGS) await upsertOrganisation(tx, organisationRecord(org, demo.organisations ?? {}), now);
    let n = 0;
    for (const r of records) {
      const result = await upsertServiceRecord(tx, r, { now, change: 'seeded' });
      if (result.outcome !== 'unchanged') n++;
    }
    return n;
  });
  return { services: records.length, changed, postcodes: postcodes.length };
}

// ---- scale ----------------------------------------------------------------------------------

/** Towns spread over England and Wales, so a search near one place finds a realistic few hundred. */
const SCALE_CENTRES: [string, number, number][] = [
  ['SW9', 51.4622, -0.1145],
  ['SE15', 51.4741, -0.0691],
  ['N1', 51.5362, -0.1033],
  ['E8', 51.5426, -0.0613],
  ['M1', 53.4794, -2.2453],
  ['B1', 52.4796, -1.9026],
  ['LS1', 53.7974, -1.5438],
  ['L1', 53.4047, -2.9795],
  ['BS1', 51.4545, -2.5879],
  ['NE1', 54.9733, -1.6140],
  ['S1', 53.3811, -1.4701],
  ['NG1', 52.9536, -1.1505],
  ['CF10', 51.4816, -3.1791],
  ['PL1', 50.3714, -4.1422],
  ['NR1', 52.6286, 1.2929],
  ['CB1', 52.2053, 0.1218],
  ['OX1', 51.7520, -1.2577],
  ['BN1', 50.8225, -0.1372],
  ['SO14', 50.9097, -1.4044],
  ['LE1', 52.6369, -1.1398],
];

const SCALE_NAMES = ['Wellbeing Hub', 'Peer Support Group', 'Talking Therapies', 'Advice Centre', 'Youth Club', 'Crisis Café', 'Befriending', 'Community Garden', 'Recovery Café', 'Carers Group'];
const SCALE_WORDS = ['support', 'wellbeing', 'advice', 'friendly', 'confidential', 'free', 'group', 'counselling', 'drop-in', 'community', 'anxiety', 'low mood', 'debt', 'housing', 'loneliness', 'walking', 'art', 'music', 'sleep', 'stress'];

/**
 * Ids for generated services: fixed, and in order (a UUID-shaped counter per kind of row), so 100,000
 * inserts append to each index instead of landing at random pages.
 */
const SCALE_KINDS = ['service', 'org', 'sal', 'loc', 'addr', 'schedule', 'phone', 'lang0', 'lang1', 'attr0', 'attr1'] as const;
function scaleId(kind: (typeof SCALE_KINDS)[number], i: number): string {
  const k = SCALE_KINDS.indexOf(kind).toString(16).padStart(4, '0');
  const n = i.toString(16).padStart(12, '0');
  return `5ca1e000-${k}-5000-8000-${n}`;
}

/** Where generated service i is: most near one of 400 towns (20 named, the rest placed by the seeded generator), spread a few miles. */
function scalePlace(i: number): { outcode: string; latitude: number; longitude: number } {
  const rand = generator(1_000_003 + i);
  const town = i % 400;
  let outcode: string;
  let lat: number;
  let lng: number;
  if (town < SCALE_CENTRES.length) [outcode, lat, lng] = SCALE_CENTRES[town]!;
  else {
    const t = generator(7 + town);
    outcode = SCALE_CENTRES[town % SCALE_CENTRES.length]![0];
    lat = 50.6 + t() * 4.2;
    lng = -4.2 + t() * 5.6;
  }
  return { outcode, latitude: lat + (rand() - 0.5) * 0.1, longitude: lng + (rand() - 0.5) * 0.14 };
}

function scaleRecord(i: number, now: Date): ServiceRecord {
  const rand = generator(i + 1);
  const { outcode, latitude, longitude } = scalePlace(i);
  const kind = SCALE_NAMES[Math.floor(rand() * SCALE_NAMES.length)]!;
  const words = Array.from({ length: 12 }, () => SCALE_WORDS[Math.floor(rand() * SCALE_WORDS.length)]).join(' ');
  const needs = needsTaxonomy.terms;
  const a = needs[Math.floor(rand() * needs.length)]!;
  const b = needs[Math.floor(rand() * needs.length)]!;
  const opens = 7 + Math.floor(rand() * 12);
  const len = 2 + Math.floor(rand() * 10);
  const days = ['MO,TU,WE,TH,FR', 'SA', 'SU', 'MO,TU,WE,TH,FR,SA,SU', 'TU,TH', 'MO,WE,FR'][Math.floor(rand() * 6)]!;
  const at = now.toISOString();
  const langs: [string, string][] = [['English', 'en'], ...(rand() < 0.15 ? [[['Polish', 'pl'], ['Portuguese', 'pt'], ['Somali', 'so'], ['Bengali', 'bn']][Math.floor(rand() * 4)] as [string, string]] : [])];
  return {
    id: scaleId('service', i),
    organisation: { id: scaleId('org', i % 2000), name: `Scale Organisation ${i % 2000}`, description: 'A generated organisation for benchmarks.' },
    name: `${outcode} ${kind} ${i}`,
    description: `A generated ${kind.toLowerCase()} offering ${words}.`,
    status: 'active',
    minimumAge: rand() < 0.2 ? 11 : 18,
    maximumAge: rand() < 0.2 ? 25 : null,
    assuredDate: at.slice(0, 10),
    lastModified: at,
    howToAccess: rand() < 0.7 ? ['self-referral'] : ['professional-referral'],
    acceptingNewReferrals: true,
    bankHolidays: 'sunday-hours',
    schedules: [{ id: scaleId('schedule', i), freq: 'WEEKLY', byday: days, opensAt: `${String(opens).padStart(2, '0')}:00`, closesAt: `${String(Math.min(24, opens + len)).padStart(2, '0')}:00` }],
    serviceAtLocations: [
      {
        id: scaleId('sal', i),
        location: {
          id: scaleId('loc', i),
          locationType: 'physical',
          name: `${kind} venue ${i}`,
          latitude,
          longitude,
          addresses: [{ id: scaleId('addr', i), address1: `${1 + (i % 200)} Example Street`, city: 'Exampletown', postalCode: `${outcode} 1AA`, country: 'GB', addressType: 'physical' }],
          accessibility: [],
        },
      },
    ],
    phones: [{ id: scaleId('phone', i), number: '020 7946 0999' }],
    contacts: [],
    languages: langs.map(([name, code], n) => ({ id: scaleId(n === 0 ? 'lang0' : 'lang1', i), name, code })),
    serviceAreas: [],
    costOptions: [],
    funding: [],
    attributes: [...new Set([a.id, b.id])].map((termId, n) => ({ id: scaleId(n === 0 ? 'attr0' : 'attr1', i), taxonomyTermId: termId })),
    capacity: [],
  };
}

/** Seeds n generated services for the bench, in batches (idempotent: ids are fixed, existing ones skipped). */
export async function seedDirectoryScale(platform: Platform, n: number, onProgress?: (done: number) => void): Promise<number> {
  const now = platform.clock.now();
  await platform.db.write(async (tx) => {
    await upsertPostcodes(
      tx,
      SCALE_CENTRES.map(([outcode, latitude, longitude]) => ({ postcode: `${outcode} 1AA`, latitude, longitude })),
    );
    await upsertOutcodeCentroids(tx, undefined, SCALE_CENTRES.map(([o]) => o));
  });
  // Batches are written in order, each in its own transaction: when the last service is there,
  // every one before it is too, and a second run has nothing to generate.
  if (n === 0 || (await serviceExists(platform.db.read, scaleId('service', n - 1)))) return 0;
  const BATCH = 2000;
  let inserted = 0;
  for (let start = 0; start < n; start += BATCH) {
    const records = Array.from({ length: Math.min(BATCH, n - start) }, (_, k) => scaleRecord(start + k, now));
    inserted += await platform.db.write((tx) => insertServiceRecordsBulk(tx, records, now));
    onProgress?.(Math.min(n, start + BATCH));
  }
  if (inserted > 0) {
    await platform.db.write((tx) => optimizeSearchIndex(tx));
    // Maintenance rather than a unit of work: PostgreSQL vacuums outside any transaction.
    await vacuumDirectoryTables(platform.db.writer);
  }
  return inserted;
}
