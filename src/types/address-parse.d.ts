// address-parse ships no type declarations; the baseline uses only parse().
declare module 'address-parse' {
  export interface ParsedAddress {
    province: string;
    city: string;
    area: string;
    details: string;
    name: string;
    code: string;
    mobile: string;
    zip_code: string;
    phone: string;
  }
  const AddressParse: { parse(text: string, all?: boolean): ParsedAddress[] };
  export default AddressParse;
}
