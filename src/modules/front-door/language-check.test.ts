// The risk phrases read English only; a text in another language or alphabet is told apart so that
// its request is brought forward rather than counted as screened (hazard H8).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import labelled from './data/risk-phrases-labelled.json' with { type: 'json' };
import { screenability } from './language-check.ts';

describe('whether the risk phrases can read a text', () => {
  it('reads English, however it is typed: misspelt, without apostrophes, in capitals, short or long', () => {
    for (const text of [
      'I cant cope anymore and i dont know who to talk to',
      'im so tired of everything tbh, cant sleep, cant eat, the voices are back',
      'My son has stopped going to school and hardly leaves his room. We are really worried about him.',
      'BEEN FEELING REALLY LOW SINCE MY MUM DIED',
      'Need help with debt',
      'Depression',
      'Struggling',
      'I have been having panic attacks at work and my GP said to ask you',
      'Lost my job, behind on rent, feel like a failure',
    ]) {
      assert.equal(screenability(text).screenable, true, text);
    }
  });

  it('tells apart other languages in the Latin alphabet, and other alphabets', () => {
    const cases: [string, string][] = [
      ['Não aguento mais, não quero viver, preciso de ajuda', 'not-english'], // Portuguese
      ['Necesito ayuda, me siento muy mal y ya no quiero seguir', 'not-english'], // Spanish
      ['Nie daję rady, nie chcę już żyć, proszę o pomoc', 'not-english'], // Polish
      ['Waxaan u baahanahay caawimo, aad ayaan u murugeysanahay', 'not-english'], // Somali
      ['Dw i ddim yn teimlo’n dda o gwbl ers misoedd', 'not-english'], // Welsh
      ['Quiero morir', 'not-english'], // two words, neither English
      ['أحتاج إلى مساعدة، لا أستطيع النوم', 'other-script'], // Arabic
      ['আমার সাহায্য দরকার', 'other-script'], // Bengali
      ['我需要帮助，我不想活了', 'other-script'], // Chinese
      ['Мне очень плохо, помогите', 'other-script'], // Russian
    ];
    for (const [text, reason] of cases) assert.deepEqual(screenability(text), { screenable: false, reason }, text);
  });

  it('still reads English with a few words of another language in it', () => {
    assert.equal(screenability('My mum only speaks Portuguese, she keeps saying "não aguento mais" and I am worried about her').screenable, true);
  });

  it('tells apart a text half in English and half in another language, sentence by sentence (H8)', () => {
    const cases: [string, string][] = [
      // Evenly mixed: the whole text's share of English words is over the threshold, the second sentence's is not.
      [
        'I am writing this for my mum because her English is not very good and she asked me to. Ela diz que não aguenta mais, que quer morrer e que ninguém a ouve em casa.',
        'not-english',
      ],
      ['My brother asked me to send this for him, he is not well at all. Nie daję rady, nie chcę już żyć, proszę o pomoc dla mnie.', 'not-english'],
      ['Please can someone call my dad back today, he is waiting by the phone\nأنا لا أستطيع النوم ولا أريد أن أعيش بعد الآن', 'other-script'],
    ];
    for (const [text, reason] of cases) assert.deepEqual(screenability(text), { screenable: false, reason }, text);
  });

  it('reads as English a sentence dense with clinical words, and a name or a place in another language', () => {
    for (const text of [
      'Referral from GP surgery. Persistent intrusive obsessional ruminations regarding contamination. Please assess.',
      'She has been staying with her aunt in São João da Madeira since March and came back last week.',
      'Lives with partner. Diagnosed bipolar affective disorder 2019, lithium stopped recently. Low mood and poor sleep.',
    ]) {
      assert.deepEqual(screenability(text), { screenable: true, reason: 'english' }, text);
    }
  });

  it('reads every phrase of the labelled risk set (English) as English', () => {
    const phrases = (labelled.phrases as { text: string }[]).map((p) => p.text);
    const unread = phrases.filter((p) => !screenability(p).screenable);
    assert.deepEqual(unread, [], `${unread.length} of ${phrases.length} labelled English phrases were taken for another language`);
  });
});
