import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import labelled from './data/risk-phrases-labelled.json' with { type: 'json' };
import { detectRisk, parsePattern, type RiskLevel } from './risk-phrases.ts';

const level = (text: string) => detectRisk(text).level;
const categories = (text: string) => detectRisk(text).flags.map((f) => f.category);
const RANK: Record<RiskLevel, number> = { none: 0, medium: 1, high: 2 };

describe('risk phrases: the labelled set', () => {
  const phrases = labelled.phrases as { text: string; label: 'high' | 'not-high'; note?: string }[];

  it('has at least 220 realistic phrases: 90 high-risk and 110 not', () => {
    assert.ok(phrases.length >= 220, `${phrases.length} phrases`);
    assert.ok(phrases.filter((p) => p.label === 'high').length >= 90);
    assert.ok(phrases.filter((p) => p.label === 'not-high').length >= 110);
    assert.equal(new Set(phrases.map((p) => p.text)).size, phrases.length, 'no phrase twice');
  });

  it('finds high risk with recall ≥ 0.98 and precision ≥ 0.8, and reports both', () => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    const missed: string[] = [];
    const falseAlarms: string[] = [];
    for (const p of phrases) {
      const high = level(p.text) === 'high';
      if (high && p.label === 'high') truePositives++;
      else if (high) {
        falsePositives++;
        falseAlarms.push(p.text);
      } else if (p.label === 'high') {
        falseNegatives++;
        missed.push(p.text);
      }
    }
    const recall = truePositives / (truePositives + falseNegatives);
    const precision = truePositives / (truePositives + falsePositives);
    console.log(
      `risk phrases: recall ${recall.toFixed(2)} (${truePositives}/${truePositives + falseNegatives}), ` +
        `precision ${precision.toFixed(2)} (${truePositives}/${truePositives + falsePositives}) on ${phrases.length} labelled phrases`,
    );
    if (falseAlarms.length) console.log(`  false alarms: ${falseAlarms.map((t) => JSON.stringify(t)).join(', ')}`);
    assert.ok(recall >= 0.98, `recall ${recall}; missed: ${missed.join(' | ')}`);
    assert.ok(precision >= 0.8, `precision ${precision}; false alarms: ${falseAlarms.join(' | ')}`);
  });
});

describe('risk phrases: rules', () => {
  it('flags direct statements, plans and means as high, with a category', () => {
    assert.deepEqual(detectRisk('I want to kill myself').flags.map((f) => f.category), ['suicidal-intent']);
    assert.equal(level('I have a plan and I have been saving up my tablets'), 'high');
    assert.ok(categories('I have been saving up my tablets').includes('suicide-plan'));
    assert.ok(categories('My daughter has been cutting her arms').includes('self-harm'));
    assert.ok(categories('He has a knife and is threatening us').includes('immediate-danger'));
    assert.ok(categories('I keep getting urges to hurt my baby').includes('harm-to-others'));
    assert.ok(categories('One of my pupils told me her dad hits her').includes('safeguarding'));
  });

  it('handles negation: a negator within three words before, in the same clause', () => {
    for (const text of [
      "I'm not suicidal",
      'I would never hurt myself',
      'no thoughts of ending my life',
      "I don't want to die",
      'I do not have any thoughts about killing myself',
      'Denies suicidal ideation or thoughts of self-harm',
      'No thoughts of self-harm or suicide',
      'Suicidal thoughts: none. Self-harm: nil.',
      'Suicidal ideation? No.',
    ]) {
      assert.equal(level(text), 'none', text);
    }
  });

  it('does not let a negation reach across "but", a comma, a new sentence or a new subject', () => {
    for (const text of [
      "I'm not suicidal but I've been thinking about ending it",
      "I'm not okay, I want to die",
      "No. I want to die.",
      "im not ok i want to die",
      'Not sure I want to live anymore',
      "I can't stop thinking about killing myself",
      'I no longer want to live',
      "I don't want to live anymore",
      'I can\'t go a day without thinking about suicide',
    ]) {
      assert.equal(level(text), 'high', text);
    }
  });

  it('lowers what is clearly in the past to medium, unless something says it is happening now', () => {
    assert.equal(level('Years ago I self-harmed'), 'medium');
    assert.equal(level('I used to cut myself when I was a teenager'), 'medium');
    assert.equal(level('When I was 16 I tried to kill myself. I am 40 now and doing okay.'), 'medium');
    assert.equal(level("I used to cut myself when I was a teenager and I've started again"), 'high');
    assert.equal(level('I self-harmed as a teenager. Lately the urges are back.'), 'high');
    assert.equal(level('I used to self-harm but now I want to die'), 'high');
  });

  it('ignores idioms', () => {
    for (const text of [
      'This job is killing me',
      'I could murder a curry',
      "I'm dying to see them",
      'My feet are killing me',
      "I'm dead tired",
      "I'd kill for a cup of tea",
      'I cut myself shaving',
      'I shot myself in the foot there',
      'It hit me hard when my dog died',
      'I am bored to death',
    ]) {
      assert.notEqual(level(text), 'high', text);
    }
  });

  it('reads common misspellings, slang and spelling tricks', () => {
    for (const text of [
      'im suicidel',
      'feeling sucidal',
      'suisidal again',
      'i want to kil myself',
      'kill myslef',
      'self harm',
      'selfharm',
      'self-harm',
      'self-harmin again',
      'i took an od',
      "i od'd last night",
      'thinking of an over dose',
      'overdose',
      'i wanna die',
      'want to die',
      'i want to end it all',
      "I don't want to be here anymore",
      'they would all be better off without me',
      'kms',
      'unalive myself',
      'k1ll mys3lf',
      'I want to d i e',
      'diiiiie, i want to diiiie',
      'ｋｉｌｌ ｍｙｓｅｌｆ',
    ]) {
      assert.equal(level(text), 'high', text);
    }
  });

  it('strips control and zero-width characters and reads curly quotes, with offsets into the original text', () => {
    const text = 'Hello.\u0000 I don\u2019t want to li\u200bve any\u0007more';
    const result = detectRisk(text);
    assert.equal(result.level, 'high');
    const flag = result.flags[0]!;
    assert.equal(text.slice(flag.start, flag.end), flag.phrase);
    assert.ok(flag.phrase.startsWith('don\u2019t') && flag.phrase.includes('li\u200bve'), flag.phrase);
    assert.equal(level('I want to k\u0000i\u200dll my\u202eself'), 'high');
    assert.deepEqual(detectRisk(''), { level: 'none', flags: [] });
    assert.deepEqual(detectRisk('\u0000\u0001\u200b   \n\t'), { level: 'none', flags: [] });
  });

  it('finishes 100 KB of text quickly, in time linear in its length', () => {
    const pieces = [
      "I've been feeling low and I'm not suicidal but it's hard. ",
      'My son said he wants to kill himself, no thoughts of harm to others. ',
      'This job is killing me, I could murder a curry... ',
      'worried about money, cant sleep, used to cut myself years ago ',
    ];
    const make = (bytes: number) => {
      let s = '';
      for (let i = 0; s.length < bytes; i++) s += pieces[i % pieces.length];
      return s.slice(0, bytes);
    };
    const time = (text: string) => {
      const start = process.hrtime.bigint();
      detectRisk(text);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const large = make(100_000);
    const tenSmall = Array.from({ length: 10 }, (_, i) => large.slice(i * 10_000, (i + 1) * 10_000));
    const timeTenSmall = () => tenSmall.reduce((sum, text) => sum + time(text), 0);
    time(large); // warm up
    timeTenSmall();
    // Linear time: one call on 100 KB costs about the same as ten calls on 10 KB each (quadratic would be 10×).
    const t100 = Math.min(time(large), time(large), time(large));
    const t10x10 = Math.min(timeTenSmall(), timeTenSmall(), timeTenSmall());
    assert.ok(t100 < 500, `100 KB took ${t100.toFixed(1)} ms`);
    assert.ok(t100 < 4 * t10x10 + 50, `ten × 10 KB ${t10x10.toFixed(1)} ms, 100 KB ${t100.toFixed(1)} ms: not linear`);
    // Worst cases for the tokeniser: one 100 KB word, and 100 KB of one letter and spaces.
    const oneWord = 'a'.repeat(100_000);
    const letters = 'a '.repeat(50_000);
    assert.ok(Math.min(time(oneWord), time(oneWord)) < 1000);
    assert.ok(Math.min(time(letters), time(letters)) < 1000);
    assert.equal(detectRisk(large).level, 'high');
  });

  it('refuses a malformed lexicon pattern when it loads', () => {
    assert.throws(() => parsePattern('[optional] first', {}), /must start with a required word/);
    assert.throws(() => parsePattern('kill ...', {}), /cannot end with a gap/);
    assert.throws(() => parsePattern("don't", {}), /bad word/);
    assert.throws(() => parsePattern('$NOPE', {}), /unknown macro/);
  });
});

describe('risk phrases: properties', () => {
  const words = [
    'i', 'im', 'not', 'never', 'no', 'want', 'to', 'die', 'kill', 'myself', 'suicidal', 'self', 'harm', 'cut',
    'used', 'years', 'ago', 'again', 'now', 'but', 'and', 'killing', 'me', 'job', 'this', 'is', 'he', 'has', 'a',
    'knife', 'hits', 'her', 'overdose', 'end', 'it', 'all', 'better', 'off', 'dead', 'tired', 'feel', 'low', 'money',
  ];
  const separators = [' ', ' ', ' ', ', ', '. ', '? ', '\n', ' - '];
  const sentence = fc
    .array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(...separators)), { minLength: 1, maxLength: 14 })
    .map((parts) => parts.map(([w, s]) => w + s).join(''));

  it('gives the same level and categories whatever the case, spacing or invisible characters', () => {
    fc.assert(
      fc.property(sentence, fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }), fc.nat(3), (text, upper, extra) => {
        let i = 0;
        const varied = [...text]
          .map((ch) => {
            const flip = upper[i++ % upper.length];
            if (ch === ' ') return ' '.repeat(extra + 1) + (flip ? '\u200b' : '\t');
            return flip ? ch.toUpperCase() : ch;
          })
          .join('');
        const a = detectRisk(text);
        const b = detectRisk(varied);
        assert.equal(b.level, a.level, `${JSON.stringify(text)} vs ${JSON.stringify(varied)}`);
        assert.deepEqual(
          b.flags.map((f) => f.category),
          a.flags.map((f) => f.category),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('never lowers the level when another sentence is added', () => {
    fc.assert(
      fc.property(sentence, sentence, (first, second) => {
        const before = RANK[level(first)];
        assert.ok(RANK[level(`${first}. ${second}`)] >= before, `${first} | ${second}`);
        assert.ok(RANK[level(`${second}. ${first}`)] >= before, `${second} | ${first}`);
      }),
      { numRuns: 500 },
    );
  });
});
