import { AsnConvert } from '@peculiar/asn1-schema';
import { Name as AsnName } from '@peculiar/asn1-x509';
import { x509 } from './x509-setup.js';

/** OID of the `title` attribute (2.5.4.12). */
export const TITLE_OID = '2.5.4.12';
/** OID of the `generationQualifier` attribute (2.5.4.44). */
export const GENERATION_QUALIFIER_OID = '2.5.4.44';

/** The InternalCA's organizational unit. */
export const INTRUSION_MANAGEMENT_SYSTEM = 'Intrusion Management System';
/** The organization of current releases; older systems use `Sourcefire, Inc.`. */
export const CISCO_ORGANIZATION = 'Cisco Systems, Inc';

/** OpenSSL's short names, for the one-line form. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  [TITLE_OID]: 'title',
  [GENERATION_QUALIFIER_OID]: 'generationQualifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

type Attribute = readonly [oid: string, value: string];

function nameOf(attributes: readonly Attribute[]): x509.Name {
  // The JSON form with utf8String encodes values as OpenSSL does (UTF8String), in this order.
  const json = attributes.map(([oid, value]) => ({ [oid]: [{ utf8String: value }] }));
  return new x509.Name(json as unknown as x509.JsonNameParams);
}

/**
 * The InternalCA's subject, in DER order:
 * `title=InternalCA, OU=Intrusion Management System, CN=<FMC UUID>, O=<organization>`.
 *
 * @param fmcUuid - the FMC's UUID (checked by the caller)
 * @param organization - `Cisco Systems, Inc` or, on older systems, `Sourcefire, Inc.`
 *
 * @example
 * ```ts
 * onelineName(internalCaName('cdb123c8-4347-11ef-aca1-f3aa241412a1', CISCO_ORGANIZATION).toArrayBuffer());
 * // '/title=InternalCA/OU=Intrusion Management System/CN=cdb123c8-4347-11ef-aca1-f3aa241412a1/O=Cisco Systems, Inc'
 * ```
 */
export function internalCaName(fmcUuid: string, organization: string): x509.Name {
  return nameOf([
    [TITLE_OID, 'InternalCA'],
    ['2.5.4.11', INTRUSION_MANAGEMENT_SYSTEM],
    ['2.5.4.3', fmcUuid],
    ['2.5.4.10', organization],
  ]);
}

/**
 * An sftunnel certificate's subject, in DER order:
 * `generationQualifier=sftunnel, title=<peer UUID>, O=<organization>, OU=Intrusion Management System, CN=localhost`.
 *
 * @param peerUuid - the UUID of the appliance the certificate is for
 * @param organization - as in the InternalCA
 *
 * @example
 * ```ts
 * onelineName(sftunnelName('c8d5d5c6-87c9-11ef-a993-b9831565bc4e', CISCO_ORGANIZATION).toArrayBuffer());
 * ```
 */
export function sftunnelName(peerUuid: string, organization: string): x509.Name {
  return nameOf([
    [GENERATION_QUALIFIER_OID, 'sftunnel'],
    [TITLE_OID, peerUuid],
    ['2.5.4.10', organization],
    ['2.5.4.11', INTRUSION_MANAGEMENT_SYSTEM],
    ['2.5.4.3', 'localhost'],
  ]);
}

/**
 * A name's attributes in DER order as `[short name or OID, value]` pairs.
 *
 * @param der - the DER of a Name
 */
export function nameAttributes(der: ArrayBuffer): Array<[string, string]> {
  const name = AsnConvert.parse(der, AsnName);
  return name.flatMap((rdn) => rdn.map((attribute): [string, string] => [SHORT_NAMES[attribute.type] ?? attribute.type, attribute.value.toString()]));
}

/**
 * A name in OpenSSL's one-line form (`-nameopt compat`, the form the appliance logs):
 * `/title=InternalCA/OU=Intrusion Management System/CN=…/O=Cisco Systems, Inc`.
 *
 * @param der - the DER of a Name
 */
export function onelineName(der: ArrayBuffer): string {
  return nameAttributes(der)
    .map(([key, value]) => `/${key}=${value}`)
    .join('');
}

/** The value of the first attribute with this short name (e.g. `CN`, `title`), if any. */
export function nameAttribute(der: ArrayBuffer, key: string): string | undefined {
  return nameAttributes(der).find(([name]) => name === key)?.[1];
}
