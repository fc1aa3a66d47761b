/**
 * The words outside text may show (outside-words.ts): the lower-case words of the FinSpace Data API model
 * (finspace-data-2020-07-13), without the example identifiers its documentation quotes.
 */
// Stryker disable next-line Regex: Equivalent: split at each space, the set also holds the empty string, which no word is.
const SPACES = /\s+/;

export const MODEL_WORDS: ReadonlySet<string> = new Set(
  // Stryker disable next-line MethodExpression: Equivalent: untrimmed, the set also holds the empty string, which no word is (a word is one letter or more).
  `
  a about access accessdeniedexception accessible accessing accesskeyid accessnotebooks account action actions
  activate activated active activefromtimestamp activeuntiltimestamp adddatasetdata added adding addition address
  adds after alias aliasstring all allow allowed allows amazon an and any apache api apiaccess
  apiaccessprincipalarn apis app append application applicationpermission applicationpermissionlist
  applicationpermissions applied apply are arn as asoftimestamp assigned assigning associated
  associateusertopermissiongroup associateusertopermissiongrouprequest associateusertopermissiongroupresponse at
  attached attribute attributes audit automatically autoupdate available aware aws awscredentials be because been
  begin beginning being belongs bigint binary boolean both brief bucket by call calls can cancelled cannot
  category change changed changeset changesetarn changeseterrorinfo changesetid changesetlist changesets
  changesetsummary changetype char character cleanup clienttoken clusters code column columndatatype
  columndefinition columndescription columnlist columnname columnnamelist columns common compression configuration
  configure conflictexception conflicts considered constraints contact contains content copy could create
  createchangeset createchangesetrequest createchangesetresponse created createdataset createdatasetrequest
  createdatasetresponse createdataview createdataviewrequest createdataviewresponse createpermissiongroup
  createpermissiongrouprequest createpermissiongroupresponse creates createtime createuser createuserrequest
  createuserresponse creating creation credentials criteria csv current currently data database dataset datasetarn
  datasetdescription datasetid datasetkind datasetlist datasetownerinfo datasetpermissions datasets datasetstatus
  datasettitle datatype dataview dataviewarn dataviewdestinationtype dataviewdestinationtypeparams
  dataviewerrorinfo dataviewid dataviewlist dataviews dataviewstatus dataviewsummary date datetime days deactivate
  deactivated default define definition definitions delete deleted deletedataset deletedatasetrequest
  deletedatasetresponse deletepermissiongroup deletepermissiongrouprequest deletepermissiongroupresponse deletes
  delimited delimiter denied denies describe describes description destination destinationexportfileformatoptions
  destinationtype destinationtypeparams destinationtypeproperties detail details determined disabled disableuser
  disableuserrequest disableuserresponse disassociateuserfrompermissiongroup
  disassociateuserfrompermissiongrouprequest disassociateuserfrompermissiongroupresponse display do does double
  due duration durationinminutes each east editdatasetmetadata email emailaddress enabled enableuser
  enableuserrequest enableuserresponse end ensures environment environmentid epoch equity error errorcategory
  errorinfo errormessage example exceeded exception existing expiration expire expires export exportfileformat
  exposes external failed fails failure file files filters finspace first firstname flag float folder following
  for format formatparams formats formattype found from functionality generated generates get getchangeset
  getchangesetrequest getchangesetresponse getdataset getdatasetrequest getdatasetresponse getdataview
  getdataviewrequest getdataviewresponse getexternaldataviewaccessdetails getexternaldataviewaccessdetailsrequest
  getexternaldataviewaccessdetailsresponse getpermissiongroup getpermissiongrouprequest getpermissiongroupresponse
  getprogrammaticaccesscredentials getprogrammaticaccesscredentialsrequest
  getprogrammaticaccesscredentialsresponse gets gettemporarycredentials getuser getuserrequest getuserresponse
  getworkinglocation getworkinglocationrequest getworkinglocationresponse given glue grant granted group grouped
  groups guide gzip has have header here how iam id idempotence idempotency identifier identify idtype if
  immediately in inactive includes including increase indicate indicates info information ingested ingestion
  ingestionstatus inherit input inputs inside integer internal internalserverexception into invalid invalidates
  irreversible is it its json key kind lacks landing last lastdisabledtime lastenabledtime lastlogintime
  lastmodifiedtime lastname let limit limitexceededexception list listchangesets listchangesetsrequest
  listchangesetsresponse listdatasets listdatasetsrequest listdatasetsresponse listdataviews listdataviewsrequest
  listdataviewsresponse listpermissiongroups listpermissiongroupsbyuser listpermissiongroupsbyuserrequest
  listpermissiongroupsbyuserresponse listpermissiongroupsrequest listpermissiongroupsresponse lists listusers
  listusersbypermissiongroup listusersbypermissiongrouprequest listusersbypermissiongroupresponse listusersrequest
  listusersresponse loaded loading location locationtype logged manage manageattributesets manageclusters
  manageusersandgroups match maximum maxresults member members membershipstatus message messages milliseconds
  minimal minutes missing modified modifies modify monday more must name names need new nexttoken non none not
  note notebook notebooks november number obtain occurred of on one only operation operations option options or
  ordered other others out owner ownerinfo ownername page paginationtoken parameter parameters parquet partition
  partitioncolumnlist partitioncolumns pass password path pending per perform permission permissiongroup
  permissiongroupbyuser permissiongroupbyuserlist permissiongroupdescription permissiongroupid permissiongrouplist
  permissiongroupmembershipstatus permissiongroupname permissiongroupparams permissiongroups permissions phone
  phonenumber please policy previous primary primarykeycolumns prior privileged process processing programmatic
  programmatically progress provide query quota quotas randomly range read readdatasetdetails reason recoverable
  register remain removal removed removes replace replacement request requested requests required reset resets
  resetting resetuserpassword resetuserpasswordrequest resetuserpasswordresponse resource
  resourcenotfoundexception resourcepermission resourcepermissionslist resources response rest resultlimit results
  retrieve retrieved retrieves retrieving returned returns role rolearn row run running s3bucket s3bucketname
  s3destinationexportfileformat s3destinationexportfileformatoptions s3destinationformatoptions s3key s3location
  s3path s3uri sagemaker same satisfy scheduler schema schemadefinition schemaunion scratch sdk secret
  secretaccesskey section security see separation separator serves service session sessionduration sessiontoken
  set sets short should sign since smallint sort sortcolumnlist sortcolumns sorting source sourceparams sourcepath
  sourcetype space spark specific specified specify stage staging starting status statuscode step stop store
  stored string stringmapkey stringmapvalue stringvaluelength1to1024 stringvaluelength1to250
  stringvaluelength1to255 stringvaluelength1to63 stringvaluemaxlength1000 structure structured structures studio
  succeeded success successfully sufficient summaries summary super superuser support supported sxrmcw system
  table tabular tabularschemaconfig take target temporarily temporary temporarypassword term text that the their
  them themselves then this throttling throttlingexception time timed timeout timestamp timestampepoch tinyint
  title to token true trusted type types union unique uniquer unit unknown until update updatechangeset
  updatechangesetrequest updatechangesetresponse updated updatedataset updatedatasetrequest updatedatasetresponse
  updatedbychangesetid updatepermissiongroup updatepermissiongrouprequest updatepermissiongroupresponse updates
  updateschangesetid updateuser updateuserrequest updateuserresponse uri use used user userbypermissiongroup
  userbypermissiongrouplist userid userlist users userstatus usertype using utc valid validation
  validationexception value values various view viewauditdata viewdatasetdetails views want was web were when
  where whether which will with withheader within working xml you your
`
    .trim()
    .split(SPACES),
);
