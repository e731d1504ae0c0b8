/** The demo accounts of the `demo` backend, documented in the README so anyone can try every flow. */
export type DemoAccount = {
  tenant: string;
  sub: string;
  name: string;
  email: string;
  mobile: string;
  /** myAtupri: insured number; KPT: online contract number. */
  customerNumber: string;
  birthYear: number;
  deductible: number;
  accidentCover: boolean;
  onlineInsurance: boolean;
};

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { tenant: 'atupri', sub: 'atupri-demo-anna', name: 'Anna Muster', email: 'anna.muster@example.ch', mobile: '0791234567', customerNumber: '756123456', birthYear: 1985, deductible: 300, accidentCover: true, onlineInsurance: false },
  { tenant: 'atupri', sub: 'atupri-demo-luca', name: 'Luca Muster', email: 'luca.muster@example.ch', mobile: '0791234568', customerNumber: '756123457', birthYear: 2016, deductible: 0, accidentCover: true, onlineInsurance: false },
  { tenant: 'kpt', sub: 'kpt-demo-marie', name: 'Marie Exemple', email: 'marie.exemple@example.ch', mobile: '0787654321', customerNumber: 'KPT12345678', birthYear: 1979, deductible: 2500, accidentCover: false, onlineInsurance: false },
];
